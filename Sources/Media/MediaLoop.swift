import CEpoll
import Dispatch
import Foundation
import Glibc
import NIOCore
import Synchronization

/// One media thread: epoll over its sessions' UDP sockets, the tasks commands send it, and the
/// timers of its 20 ms clocks. It exists for the packet path: a readable socket gives one
/// `recvfrom(2)` into a buffer the loop owns and a direct call into the session, where
/// SwiftNIO's datagram channel allocated an envelope and formatted the sender's address as
/// text for every packet, and tried one more read to see `EAGAIN`. It is a NIO `EventLoop`,
/// so futures, `submit` and `NIOLoopBound` work as before.
///
/// `@unchecked Sendable`: the receiver table and the read buffer are touched on the loop's
/// thread only (`register`, `deregister` and the reads all run there), and everything other
/// threads reach (tasks, timers, the stop flag) is behind the `pending` mutex.
final class MediaLoop: EventLoop, @unchecked Sendable {
    /// Called with each datagram read from a registered socket and where it came from.
    typealias Receiver = (UnsafeRawBufferPointer, PeerAddress) -> Void

    private struct Timer {
        let id: Int
        let deadline: NIODeadline
        let task: @Sendable () -> Void
    }

    private struct Pending {
        var tasks: [@Sendable () -> Void] = []
        var timers: [Timer] = []
        var nextTimerID = 0
        var stopping = false
    }

    private let epoll: CInt
    private let wakeup: CInt
    private let pending = Mutex(Pending())
    private let owner = Atomic<UInt>(0)
    private let finished = DispatchSemaphore(value: 0)
    /// Indexed by descriptor; the loop's thread only.
    private var receivers: [Receiver?] = []
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
    private static let eventsPerWait = 256

    /// Starts the loop on a thread of its own named `name`.
    init(name: String) throws {
        epoll = epoll_create1(CInt(EPOLL_CLOEXEC))
        wakeup = eventfd(0, CInt(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epoll >= 0, wakeup >= 0 else { throw UDPSocket.BindError.failed(errno: errno) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeup
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    deinit {
        buffer.deallocate()
    }

    // MARK: Sockets

    /// Reads `descriptor` from now on, each datagram to `receiver`. On the loop.
    func register(_ descriptor: CInt, receiver: @escaping Receiver) {
        preconditionInEventLoop()
        if receivers.count <= Int(descriptor) { receivers += Array(repeating: nil, count: Int(descriptor) + 1 - receivers.count) }
        receivers[Int(descriptor)] = receiver
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = descriptor
        epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event)
    }

    /// Stops reading `descriptor` (before it is closed, so a reused number starts clean). On the loop.
    func deregister(_ descriptor: CInt) {
        preconditionInEventLoop()
        epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, nil)
        if Int(descriptor) < receivers.count { receivers[Int(descriptor)] = nil }
    }

    // MARK: EventLoop

    var inEventLoop: Bool { owner.load(ordering: .relaxed) == UInt(pthread_self()) }

    func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = pending.withLock { pending in
            pending.tasks.append(task)
            return pending.tasks.count == 1
        }
        // The loop sleeps only after seeing no task; the first one after that wakes it.
        if wasEmpty, !inEventLoop { wake() }
    }

    func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise = makePromise(of: T.self)
        let id = pending.withLock { pending in
            pending.nextTimerID += 1
            pending.timers.append(Timer(id: pending.nextTimerID, deadline: deadline) {
                // Timers run on the loop, where the promise may take a value that is not Sendable.
                promise.assumeIsolated().completeWith(Result { try task() })
            })
            return pending.nextTimerID
        }
        if !inEventLoop { wake() }
        return Scheduled(promise: promise) { [self] in
            let removed = pending.withLock { pending in
                guard let index = pending.timers.firstIndex(where: { $0.id == id }) else { return false }
                pending.timers.remove(at: index)
                return true
            }
            if removed { promise.fail(EventLoopError.cancelled) }
        }
    }

    func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        pending.withLock { $0.stopping = true }
        wake()
        queue.async { [self] in
            finished.wait()
            callback(nil)
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
    }

    // MARK: The loop

    private func run() {
        owner.store(UInt(pthread_self()), ordering: .relaxed)
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Self.eventsPerWait)
        defer {
            events.deallocate()
            Glibc.close(epoll)
            Glibc.close(wakeup)
            finished.signal()
        }
        while true {
            let (tasks, due, timeout, stopping) = takePending()
            for task in tasks { task() }
            for timer in due { timer.task() }
            if stopping { return }
            let count = epoll_wait(epoll, events, CInt(Self.eventsPerWait), timeout)
            for index in 0..<Int(max(0, count)) {
                let descriptor = events[index].data.fd
                if descriptor == wakeup {
                    var value: UInt64 = 0
                    _ = read(wakeup, &value, 8)
                } else {
                    readDatagram(from: descriptor)
                }
            }
        }
    }

    /// The tasks to run now, the timers due, and how long epoll may then sleep (ms, −1: until woken).
    private func takePending() -> (tasks: [@Sendable () -> Void], due: [Timer], timeout: CInt, stopping: Bool) {
        let now = NIODeadline.now()
        return pending.withLock { pending in
            // Swapped out, not copied: the empty queue left behind allocates nothing until a task comes.
            var tasks: [@Sendable () -> Void] = []
            swap(&tasks, &pending.tasks)
            var due: [Timer] = []
            var earliest: NIODeadline?
            var index = 0
            while index < pending.timers.count {
                let deadline = pending.timers[index].deadline
                if deadline <= now {
                    due.append(pending.timers.remove(at: index))
                } else {
                    earliest = min(earliest ?? deadline, deadline)
                    index += 1
                }
            }
            due.sort { $0.deadline < $1.deadline }
            var timeout: CInt = -1
            if !due.isEmpty || !tasks.isEmpty {
                timeout = 0  // running them may have queued more
            } else if let earliest {
                let nanoseconds = (earliest - now).nanoseconds
                timeout = CInt((nanoseconds + 999_999) / 1_000_000)
            }
            return (tasks, due, timeout, pending.stopping)
        }
    }

    /// One datagram from a readable socket to its receiver. Level-triggered epoll reports the
    /// socket again while more are queued.
    private func readDatagram(from descriptor: CInt) {
        guard Int(descriptor) < receivers.count, let receiver = receivers[Int(descriptor)] else { return }
        var source = PeerAddress()
        source.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &source.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_DONTWAIT), $0, &source.length)
            }
        }
        guard count >= 0 else { return }
        receiver(UnsafeRawBufferPointer(rebasing: buffer[..<count]), source)
    }
}
