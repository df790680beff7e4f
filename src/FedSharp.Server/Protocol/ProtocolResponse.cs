using System.Buffers;

namespace FedSharp.Server.Protocol;

/// <summary>What the device endpoint sends back for one request, independent of the HTTP stack that carries it.</summary>
/// <remarks>
/// A reply that carries the global model is made of parts: small per-request fields around the model's encoded bytes,
/// which are shared by every reply of the iteration. Hosts write <see cref="Content"/> part by part; callers that want
/// one buffer read <see cref="Body"/>, which joins the parts on first use.
/// </remarks>
public sealed class ProtocolResponse
{
    private ReadOnlyMemory<byte>? _joined;

    /// <summary>Creates a reply whose body is one buffer.</summary>
    /// <param name="statusCode">The HTTP status: 200 for every protocol-level outcome (the retcode is inside the body),
    /// 400 for a body that is not the round's request message, 404 for an unknown round, 503 while the server is not
    /// serving rounds.</param>
    /// <param name="body">The protobuf reply for 200, otherwise a UTF-8 sentence saying what was wrong.</param>
    /// <param name="contentType"><c>application/x-protobuf</c> for 200, otherwise <c>text/plain; charset=utf-8</c>.</param>
    /// <param name="retryAfter">For 503: how long the client should wait before resending; null otherwise.</param>
    public ProtocolResponse(int statusCode, ReadOnlyMemory<byte> body, string contentType, TimeSpan? retryAfter)
    {
        StatusCode = statusCode;
        Content = new ReadOnlySequence<byte>(body);
        _joined = body;
        ContentType = contentType;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates a 200 protobuf reply made of parts, some shared with other replies and never written to.</summary>
    internal ProtocolResponse(ReadOnlySequence<byte> content, string contentType)
    {
        StatusCode = 200;
        Content = content;
        ContentType = contentType;
    }

    /// <summary>The HTTP status: 200 for every protocol-level outcome (the retcode is inside the body), 400 for a body
    /// that is not the round's request message, 404 for an unknown round, 503 while the server is not serving rounds.</summary>
    public int StatusCode { get; }

    /// <summary>The body in the parts it was built from, in order; hosts write it without joining it.</summary>
    public ReadOnlySequence<byte> Content { get; }

    /// <summary>The whole body as one buffer: the protobuf reply for 200, otherwise a UTF-8 sentence saying what was
    /// wrong. For a reply in parts the first read copies them into a new array.</summary>
    public ReadOnlyMemory<byte> Body => _joined ??= Content.IsSingleSegment ? Content.First : Content.ToArray();

    /// <summary><c>application/x-protobuf</c> for 200, otherwise <c>text/plain; charset=utf-8</c>.</summary>
    public string ContentType { get; }

    /// <summary>For 503: how long the client should wait before resending; null otherwise.</summary>
    public TimeSpan? RetryAfter { get; }
}
