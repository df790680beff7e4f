namespace FedSharp.Server.Protocol;

/// <summary>What the device endpoint sends back for one request, independent of the HTTP stack that carries it.</summary>
/// <param name="StatusCode">The HTTP status: 200 for every protocol-level outcome (the retcode is inside the body),
/// 400 for a body that is not the round's request message, 404 for an unknown round, 503 while the server is not
/// serving rounds.</param>
/// <param name="Body">The protobuf reply for 200, otherwise a UTF-8 sentence saying what was wrong.</param>
/// <param name="ContentType"><c>application/x-protobuf</c> for 200, otherwise <c>text/plain; charset=utf-8</c>.</param>
/// <param name="RetryAfter">For 503: how long the client should wait before resending; null otherwise.</param>
public sealed record ProtocolResponse(int StatusCode, ReadOnlyMemory<byte> Body, string ContentType, TimeSpan? RetryAfter);
