import Benchmark
import Foundation
import Media

/// G.711 bridges on one media loop, driven over loopback UDP by `Fixtures/rtp/rtp_blast.c`
/// (built here with gcc): a C sender and counter in another process, so the figures are the
/// relay's own. 1,000 bridges (A-law in, μ-law out, so every packet is re-encoded) take
/// packets at the offered rate for three seconds; printed: packets relayed back to the
/// counter, the CPU time of this process, and that of its busiest thread (the media loop),
/// from which the packets one core relays per second follow.
func relayBenchmarks() {
    for rate in [50_000, 100_000, 150_000] {
        Benchmark(
            "G.711 relay, 1,000 bridges on one media loop, \(rate / 1000)k packets/s offered by a C sender for 3 s",
            configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 1)
        ) { benchmark in
            // The sender starts first: Foundation's Process.run crashes in a process holding
            // thousands of descriptors (the sessions' sockets).
            let blaster = try buildBlaster()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: blaster)
            process.arguments = ["1000", String(rate), "3"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            let reader = output.fileHandleForReading
            let portLine = String(decoding: reader.availableData, as: UTF8.self)
            let blasterPort = Int(portLine.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines))!
            let engine = try await MediaEngine.start(host: "127.0.0.1", ports: 40000...47999, threads: 1)
            var callers: [MediaSession] = []
            for _ in 0..<1000 { callers.append(try await engine.openSession()) }
            var callees: [MediaSession] = []
            for caller in callers { callees.append(try await engine.openSession(near: caller)) }
            for (caller, callee) in zip(callers, callees) {
                caller.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: blasterPort, codec: .pcma, payloadType: 8, telephoneEventPayloadType: nil))
                callee.start(MediaParameters(remoteHost: "127.0.0.1", remotePort: blasterPort, codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil))
                try await caller.bridge(with: callee)
            }
            let before = cpuSeconds()
            let threadsBefore = threadCPUSeconds()
            benchmark.startMeasurement()
            input.fileHandleForWriting.write(Data((callers.map { String($0.port) }.joined(separator: " ") + "\n").utf8))
            // A blocking read to the sender's end of output (Process.waitUntilExit would spin a
            // run loop on a core the measurement needs).
            let report = reader.readDataToEndOfFile()
            benchmark.stopMeasurement()
            let cpu = cpuSeconds() - before
            let threadsAfter = threadCPUSeconds()
            let loop = threadsAfter.map { thread, seconds in seconds - (threadsBefore[thread] ?? 0) }.max() ?? cpu
            let result = String(decoding: report, as: UTF8.self).split(whereSeparator: \.isWhitespace)
            let (sent, received) = (Int(result[1])!, Int(result[3])!)
            FileHandle.standardError.write(Data(String(
                format: "offered %d/s: sent %d, relayed %d (%.2f%% lost), %.0f/s; process CPU %.2f s, media loop thread %.2f s: %.0f packets/s per core\n",
                rate, sent, received, 100 * Double(sent - received) / Double(sent), Double(received) / 3, cpu, loop, Double(received) / loop).utf8))
            for session in callers + callees { await session.close() }
            await engine.shutdown()
        }
    }
}

/// User and system CPU time of this process so far.
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// User and system CPU time of each thread of this process, from /proc (10 ms resolution).
private func threadCPUSeconds() -> [String: Double] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    var seconds: [String: Double] = [:]
    for task in tasks {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { continue }
        // After the command name: state is field 3, utime and stime fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        seconds[task] = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
    return seconds
}

/// Compiles the C sender next to the benchmark's build products (once).
private func buildBlaster() throws -> String {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Fixtures/rtp/rtp_blast.c").standardized.path
    let binary = FileManager.default.temporaryDirectory.appendingPathComponent("parley-rtp-blast").path
    let compiler = Process()
    compiler.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
    compiler.arguments = ["-O2", "-o", binary, source]
    try compiler.run()
    compiler.waitUntilExit()
    precondition(compiler.terminationStatus == 0, "gcc could not build \(source)")
    return binary
}
