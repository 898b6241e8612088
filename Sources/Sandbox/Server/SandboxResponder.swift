import Foundation
import Hummingbird
import NIOCore

/// The request context: the sandbox needs the channel to drop a connection on purpose.
struct SandboxRequestContext: InitializableFromSource {
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        channel = source.channel
    }
}

/// Reads, logs and fault-checks every request, then lets the API answer it.
struct SandboxResponder: HTTPResponder {
    let api: SandboxAPI
    let faults: FaultInjector
    let log: RequestLog

    static let maximumBodySize = 16 * 1_024 * 1_024

    func respond(to request: Request, context: SandboxRequestContext) async throws -> Response {
        var request = request
        let bodyBuffer = try await request.collectBody(upTo: Self.maximumBodySize)
        let body = Data(bodyBuffer.readableBytesView)
        let method = request.method.rawValue
        let path = request.uri.path
        let authorization = request.headers[.authorization]
        log.append(
            LoggedRequest(
                method: method, path: path, query: request.uri.query, body: body.isEmpty ? nil : body,
                authorization: authorization, userAgent: request.headers[.userAgent]))

        let fault = faults.fault(method: method, path: path)
        switch fault {
        case .connectionReset:
            try? await context.channel.close()
            throw CancellationError()
        case .tooManyRequests(let seconds):
            var response = Self.response(
                Envelope.error(429, "Too many requests. Please slow down and try again later.", developerMessage: nil))
            response.headers[.retryAfter] = String(seconds)
            return response
        case .serverError(let status):
            return Self.response(Envelope.error(status, "There was a server error. Please contact support!", developerMessage: nil))
        case .htmlBadGateway:
            let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
            return Self.response(APIResponse(status: 502, contentType: "text/html", body: Data(html.utf8)))
        case .respond(let status, let json):
            return Self.response(APIResponse(status: status, contentType: "application/json", body: Data(json.utf8)))
        case .slow(let seconds):
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
        case .truncatedJSON, nil:
            break
        }

        let apiRequest = APIRequest(
            method: method, path: path, rawQuery: request.uri.query, body: body, authorization: authorization,
            contentType: request.headers[.contentType])
        var answer = api.handle(apiRequest)
        if fault == .truncatedJSON {
            answer.status = 200
            answer.body = answer.body.prefix(answer.body.count / 2)
        }
        return Self.response(answer)
    }

    static func response(_ answer: APIResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        for (name, value) in answer.headers {
            switch name.lowercased() {
            case "location": headers[.location] = value
            case "retry-after": headers[.retryAfter] = value
            default: break
            }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
