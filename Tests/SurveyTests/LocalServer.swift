import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the fetch tests: one request per connection
/// (`Connection: close`), each connection on its own thread, answers chosen by a handler. It records every
/// request, counts requests in flight (from the request read to its answer sent) and stops after `lifetime`
/// seconds or `maxRequests` requests, whichever comes first, or when `stop()` is called.
final class LocalServer: @unchecked Sendable {
    struct Request: Sendable {
        var path: String
        var query: [String: String]
        var rawQuery: String
        var time: Date
    }

    indirect enum Reply: Sendable {
        case ok(Data, contentType: String)
        case status(Int, headers: [String: String], body: Data)
        /// Read the request, then say nothing for this long and close.
        case stall(TimeInterval)
        /// Wait, then answer.
        case after(TimeInterval, Reply)
    }

    /// The handler gets the request and its attempt number (1 for the first request with that query).
    typealias Handler = @Sendable (Request, Int) -> Reply

    let port: Int
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var stopped = false
    private var acceptDone = false
    private var open = 0
    private var inFlight = 0
    private var _maxInFlight = 0
    private var _requests: [Request] = []
    private var attempts: [String: Int] = [:]
    private let maxRequests: Int
    private let deadline: Date

    init(lifetime: TimeInterval = 20, maxRequests: Int = 200, handler: @escaping Handler) throws {
        self.handler = handler
        self.maxRequests = maxRequests
        deadline = Date().addingTimeInterval(lifetime)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw ServerError("bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)/dr16/SkyServerWS/ImgCutout/getjpeg")! }
    var requests: [Request] { lock.withLock { _requests } }
    var maxInFlight: Int { lock.withLock { _maxInFlight } }

    /// Stops accepting, waits (at most 3 s) for open connections to finish, and closes the socket.
    func stop() {
        lock.withLock { stopped = true }
        let until = Date().addingTimeInterval(3)
        while Date() < until, lock.withLock({ !acceptDone || open > 0 }) { usleep(10_000) }
        close(listener)
    }

    private var shouldStop: Bool {
        lock.withLock { stopped || _requests.count >= maxRequests } || Date() > deadline
    }

    private func acceptLoop() {
        defer { lock.withLock { acceptDone = true } }
        while !shouldStop {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            lock.withLock { open += 1 }
            Thread.detachNewThread { [self] in
                serve(connection)
                close(connection)
                lock.withLock { open -= 1 }
            }
        }
    }

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.containsHeaderEnd {
            let n = recv(connection, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            received += buffer[0..<n]
        }
        let firstLine = String(decoding: received.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let target = firstLine.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let parts = URLComponents(string: target)
        var query: [String: String] = [:]
        for item in parts?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let request = Request(path: parts?.path ?? target, query: query, rawQuery: parts?.query ?? "", time: Date())
        let attempt = lock.withLock {
            _requests.append(request)
            inFlight += 1
            _maxInFlight = max(_maxInFlight, inFlight)
            attempts[request.rawQuery, default: 0] += 1
            return attempts[request.rawQuery]!
        }
        var reply = handler(request, attempt)
        while case .after(let seconds, let next) = reply {
            wait(seconds)
            reply = next
        }
        lock.withLock { inFlight -= 1 }
        switch reply {
        case .ok(let body, let type):
            send(connection, status: 200, headers: ["Content-Type": type], body: body)
        case .status(let code, let headers, let body):
            send(connection, status: code, headers: headers, body: body)
        case .stall(let seconds):
            wait(seconds)
        case .after:
            break
        }
    }

    /// Sleeps in small steps so `stop()` is not held up by a stalled answer.
    private func wait(_ seconds: TimeInterval) {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until, !lock.withLock({ stopped }) { usleep(10_000) }
    }

    private func send(_ connection: Int32, status: Int, headers: [String: String], body: Data) {
        var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status \(status)")\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = [UInt8](head.utf8) + [UInt8](body)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
        shutdown(connection, Int32(SHUT_WR))
        // Let the client read everything before the socket closes.
        var sink = [UInt8](repeating: 0, count: 256)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while recv(connection, &sink, sink.count, 0) > 0 {}
    }
}

struct ServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private extension [UInt8] {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}
