import Foundation
import Synchronization

/// A few threads of lowered priority (nice 10) for CPU-heavy work that must never hold up the
/// media loops' 20 ms clocks: speech decoding takes tens of milliseconds to seconds of CPU, and
/// on a machine of two cores the kernel then gives the real-time loops the CPU first. The
/// threads wait for work as long as the process lives.
final class BackgroundThreads: Sendable {
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let waiting = DispatchSemaphore(value: 0)

    init(count: Int, name: String) {
        for index in 0..<max(1, count) {
            let thread = Thread { [self] in
                // Linux keeps a nice value per thread; `who` 0 is the calling thread.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                while true {
                    waiting.wait()
                    if let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { job() }
                }
            }
            thread.name = "\(name) \(index + 1)"
            thread.start()
        }
    }

    func run(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        waiting.signal()
    }
}
