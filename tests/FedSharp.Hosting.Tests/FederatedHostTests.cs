using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.Hosting.Tests;

/// <summary>The device endpoint over real Kestrel on loopback (port 0), driven by HttpClient.</summary>
public sealed class FederatedHostTests
{
    private static readonly byte[] s_notProtobuf = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    [Fact]
    public async Task Round_MalformedProtobuf_Returns400WithTextReason()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.StartFLJob, s_notProtobuf);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(nameof(StartFLJobRequest), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Round_WrongContentType_Returns415WithTextReason()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        var request = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, FlId = "c1", DataSize = 1 };

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.StartFLJob, request.ToByteArray(), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains(RoundPaths.ContentType, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).AcceptedCount);
    }

    [Fact]
    public async Task Round_DeclaredLengthOverLimit_Returns413()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(configure: options => options.MaxRequestBodyBytes = 4096);

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.UpdateModel, new byte[8192]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("4096", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Round_ChunkedBodyOverLimit_Returns413()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(configure: options => options.MaxRequestBodyBytes = 4096);
        // A stream of unknown length makes HttpClient send the body chunked, so only reading it reveals the size.
        var content = new StreamContent(new UnknownLengthStream(new byte[8192]));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(RoundPaths.ContentType);

        using HttpResponseMessage response = await hosted.Client.PostAsync(RoundPaths.For(string.Empty, RoundPaths.UpdateModel), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Round_UnknownRound_Returns404()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        using HttpResponseMessage response = await hosted.PostAsync("trainModel", []);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(RoundPaths.UpdateModel, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Round_GetInsteadOfPost_Returns405()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        using HttpResponseMessage response = await hosted.Client.GetAsync(RoundPaths.For(string.Empty, RoundPaths.StartFLJob));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("use POST", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Round_LowercasePost_Returns405BecauseMethodsAreCaseSensitive()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        byte[] body = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, FlId = "c1", DataSize = 1 }.ToByteArray();

        // HttpClient would upper-case a known method, so the request is written by hand.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(hosted.Host.Addresses[0].Host, hosted.Host.Addresses[0].Port);
        await using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        byte[] head = System.Text.Encoding.ASCII.GetBytes(
            $"post /startFLJob HTTP/1.1\r\nHost: localhost\r\nContent-Type: {RoundPaths.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(body);
        string reply = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 405", reply, StringComparison.Ordinal);
        Assert.Contains("post is not allowed on /startFLJob; use POST", reply, StringComparison.Ordinal);
        Assert.Equal(0, (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).AcceptedCount);
    }

    [Fact]
    public async Task StartFlJob_DataSizeAbove65535_IsAcceptedAndUploadSparseRateIsZeroWithoutSparsification()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        StartFLJobResponse response = await hosted.StartFlJobAsync("big-device", 100_000);

        Assert.True(response.Retcode == Retcode.Succeed, response.Reason);
        Assert.Equal(CompressType.NoCompress, response.UploadCompressType);
        Assert.Equal(0f, response.UploadSparseRate);
    }

    [Fact]
    public async Task GetResultAndGetModel_CarryServerTime_SoClientsCanCancelClockSkew()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        hosted.Time.Advance(TimeSpan.FromMilliseconds(1234));
        long now = hosted.Time.GetUtcNow().ToUnixTimeMilliseconds();

        GetResultResponse result = await hosted.SendAsync(
            RoundPaths.GetResult,
            new GetResultRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, Iteration = 1 },
            GetResultResponse.Parser);
        GetModelResponse model = await hosted.SendAsync(
            RoundPaths.GetModel,
            new GetModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, Iteration = 1 },
            GetModelResponse.Parser);

        Assert.Equal(Retcode.NotReady, result.Retcode);
        Assert.Equal(now, result.ServerTimeMs);
        Assert.True(result.NextReqTimeMs > now);
        Assert.Equal(Retcode.NotReady, model.Retcode);
        Assert.Equal(now, model.ServerTimeMs);
    }

    [Fact]
    public async Task UpdateModel_ArrivesAfterItsIterationEnded_ToldToJoinTheOpenIterationAfterOneRetryInterval()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 2);
        Assert.Equal(Retcode.Succeed, (await hosted.StartFlJobAsync("prompt", 1)).Retcode);
        Assert.Equal(Retcode.Succeed, (await hosted.StartFlJobAsync("late", 1)).Retcode);
        Assert.Equal(Retcode.Succeed, (await hosted.UpdateModelAsync(HostedServer.UpdateRequest("prompt", 1, HostedServer.Filled(2f)))).Retcode);
        // The updateModel window (20 s) closes with 1 of 2 updates: iteration 1 fails and iteration 2 opens for startFLJob.
        hosted.Time.Advance(TimeSpan.FromSeconds(21));

        UpdateModelResponse late = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("late", 1, HostedServer.Filled(3f)));
        StartFLJobResponse rejoined = await hosted.StartFlJobAsync("late", 1);

        Assert.Equal(Retcode.OutOfTime, late.Retcode);
        Assert.Contains("send startFLJob again", late.Reason, StringComparison.Ordinal);
        Assert.Equal(1_000, late.NextReqTimeMs - late.ServerTimeMs);
        Assert.Equal(Retcode.Succeed, rejoined.Retcode);
        Assert.Equal(2, rejoined.Iteration);
    }

    [Fact]
    public async Task Aggregation_ThreeUploads_IsTheDocumentedFloat32SumInArrivalOrderBitForBit()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 3);
        (string Id, int DataSize, float[] Values)[] devices =
        [
            ("d1", 3, [0.1f, -1e-7f, 1e7f, 0.3333333f, 123.456f, -0.5f]),
            ("d2", 65_537, [0.2f, 1f, -1e7f, 0.6666667f, 1e-3f, 0.25f]),
            ("d3", 7, [0.3f, 1e-7f, 1f, -1f, 7.77f, 3e-8f]),
        ];
        foreach ((string id, int dataSize, _) in devices)
        {
            Assert.Equal(Retcode.Succeed, (await hosted.StartFlJobAsync(id, dataSize)).Retcode);
        }

        foreach ((string id, _, float[] values) in devices)
        {
            Assert.Equal(Retcode.Succeed, (await hosted.UpdateModelAsync(HostedServer.UpdateRequest(id, 1, HostedServer.Model(values)))).Retcode);
        }

        await hosted.Server.Coordinator.WhenIdleAsync();
        (_, float[] actual) = await hosted.GetModelAsync();

        // docs/protocol.md §6.0: sum = float32(float32(w × float32(n)) + sum) per update in arrival order, from +0;
        // then float32(sum / float32(Σ n)).
        float total = devices.Sum(d => (long)d.DataSize);
        for (int i = 0; i < actual.Length; i++)
        {
            float sum = 0f;
            foreach ((_, int dataSize, float[] values) in devices)
            {
                float product = values[i] * (float)dataSize;
                sum = product + sum;
            }

            Assert.Equal(BitConverter.SingleToInt32Bits(sum / total), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    [Fact]
    public async Task Healthz_Post_Returns405WithTextReason()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        using HttpResponseMessage response = await hosted.Client.PostAsync("/healthz", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("use GET", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_Returns404WithTextNamingTheRoutes()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        using HttpResponseMessage response = await hosted.PostAsync("a/b/c.txt", []);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        string reason = await response.Content.ReadAsStringAsync();
        Assert.Contains("/a/b/c.txt", reason, StringComparison.Ordinal);
        Assert.Contains(RoundPaths.StartFLJob, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Round_IdThatIsNotUtf8_Returns400InsteadOfMergingIds()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        // fl_id bytes 'c' 0xFF and 'c' 0xFE: C#'s protobuf runtime would decode both to "c\uFFFD", one id.
        var encoded = new MemoryStream();
        var output = new CodedOutputStream(encoded);
        output.WriteTag(StartFLJobRequest.ProtocolVersionFieldNumber, WireFormat.WireType.Varint);
        output.WriteUInt32(ProtocolVersion.Current);
        output.WriteTag(StartFLJobRequest.FlNameFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteString(HostedServer.FlName);
        output.WriteTag(StartFLJobRequest.FlIdFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(0x63, 0xFF));
        output.WriteTag(StartFLJobRequest.DataSizeFieldNumber, WireFormat.WireType.Varint);
        output.WriteInt32(1);
        output.Flush();

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.StartFLJob, encoded.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'fl_id'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).AcceptedCount);
    }

    [Fact]
    public async Task Round_UrlPrefix_ServedOnlyUnderPrefix()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(configure: options => options.UrlPrefix = "/fl/");
        var request = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, FlId = "c1", DataSize = 1 };
        using var withoutPrefix = new ByteArrayContent(request.ToByteArray());
        withoutPrefix.Headers.ContentType = MediaTypeHeaderValue.Parse(RoundPaths.ContentType);

        StartFLJobResponse underPrefix = await hosted.StartFlJobAsync("c1", 1);
        using HttpResponseMessage atRoot = await hosted.Client.PostAsync("/startFLJob", withoutPrefix);

        Assert.Equal(Retcode.Succeed, underPrefix.Retcode);
        Assert.Equal(HttpStatusCode.NotFound, atRoot.StatusCode);
    }

    [Fact]
    public async Task UpdateModel_UnknownTensorName_RequestErrorAndModelUnchanged()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);
        UpdateModelRequest request = HostedServer.UpdateRequest("c1", 1, HostedServer.Filled(5f));
        request.Tensors[0].Name = "fc9.weight";

        UpdateModelResponse response = await hosted.UpdateModelAsync(request);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("tensor 'fc9.weight' is not part of the model", response.Reason, StringComparison.Ordinal);
        await AssertModelUnchangedAsync(hosted, "c1");
    }

    [Fact]
    public async Task UpdateModel_WrongSize_RequestErrorAndModelUnchanged()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);
        UpdateModelRequest request = HostedServer.UpdateRequest("c1", 1, HostedServer.Filled(5f));
        request.Tensors[1].Data = ByteString.CopyFrom(request.Tensors[1].Data.Span[..4]);

        UpdateModelResponse response = await hosted.UpdateModelAsync(request);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("tensor 'fc.bias' has 1 values; the model expects [2] = 2", response.Reason, StringComparison.Ordinal);
        await AssertModelUnchangedAsync(hosted, "c1");
    }

    [Fact]
    public async Task UpdateModel_NaN_RequestErrorAndModelUnchanged()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);

        UpdateModelResponse response = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c1", 1, HostedServer.Model(5, 5, 5, float.NaN, 5, 5)));

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("tensor 'fc.weight' value 3 (position [1, 1]) is NaN", response.Reason, StringComparison.Ordinal);
        await AssertModelUnchangedAsync(hosted, "c1");
    }

    [Fact]
    public async Task UpdateModel_Infinity_RequestErrorAndModelUnchanged()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);

        UpdateModelResponse response = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c1", 1, HostedServer.Model(5, 5, 5, 5, 5, float.NegativeInfinity)));

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("tensor 'fc.bias' value 1 (position [1]) is -Infinity", response.Reason, StringComparison.Ordinal);
        await AssertModelUnchangedAsync(hosted, "c1");
    }

    [Fact]
    public async Task UpdateModel_FutureIteration_RequestError()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);

        UpdateModelResponse response = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c1", 7, HostedServer.Filled(5f)));

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("iteration 7", response.Reason, StringComparison.Ordinal);
        await AssertModelUnchangedAsync(hosted, "c1");
    }

    [Fact]
    public async Task UpdateModel_EndedIteration_OutOfTimeWithNextRequestTime()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);
        // The updateModel window (20 s) closes without an update: iteration 1 fails and iteration 2 opens, where c2
        // joins and one accepted update would publish a new model.
        hosted.Time.Advance(TimeSpan.FromSeconds(21));
        await hosted.Server.Coordinator.CheckDeadlinesAsync(CancellationToken.None);
        Assert.Equal(Retcode.Succeed, (await hosted.StartFlJobAsync("c2", 10)).Retcode);

        UpdateModelResponse response = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c1", 1, HostedServer.Filled(9f)));

        Assert.Equal(Retcode.OutOfTime, response.Retcode);
        Assert.True(response.NextReqTimeMs > hosted.Time.GetUtcNow().ToUnixTimeMilliseconds());
        await AssertModelUnchangedAsync(hosted, "c2");
    }

    [Fact]
    public async Task UpdateModel_SecondUpdateFromOneClient_RequestErrorAndCountedOnce()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        await hosted.StartFlJobAsync("c1", 10);
        await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c1", 1, HostedServer.Filled(5f)));

        UpdateModelResponse second = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c1", 1, HostedServer.Filled(9f)));

        Assert.Equal(Retcode.RequestError, second.Retcode);
        Assert.Contains("client 'c1' already sent its update for iteration 1", second.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).UpdatesAccepted);
    }

    [Fact]
    public async Task UpdateModel_WithoutStartFlJob_OutOfTime()
    {
        // c1 joins, so the iteration takes updates and one accepted update would publish a new model.
        await using HostedServer hosted = await HostedServer.StartAsync(threshold: 1);
        await hosted.StartFlJobAsync("c1", 10);

        UpdateModelResponse response = await hosted.UpdateModelAsync(HostedServer.UpdateRequest("stranger", 1, HostedServer.Filled(9f)));

        Assert.Equal(Retcode.OutOfTime, response.Retcode);
        Assert.Contains("without a successful startFLJob", response.Reason, StringComparison.Ordinal);
        await AssertModelUnchangedAsync(hosted, "c1");
    }

    [Fact]
    public async Task StartFlJob_WrongProtocolVersion_RequestError()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        StartFLJobResponse response = await hosted.StartFlJobAsync("c1", 10, version: ProtocolVersion.Current + 1);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains($"Protocol version {ProtocolVersion.Current + 1}", response.Reason, StringComparison.Ordinal);
        Assert.Empty(response.Tensors);
        Assert.Equal(0, (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).AcceptedCount);
    }

    [Fact]
    public async Task Server_AfterEveryKindOfBadRequest_RunsANormalFullIteration()
    {
        await using HostedServer hosted = await HostedServer.StartAsync(configure: options => options.MaxRequestBodyBytes = 4096);
        UpdateModelRequest unknownName = HostedServer.UpdateRequest("dup", 1, HostedServer.Filled(9f));
        unknownName.Tensors[0].Name = "fc9.weight";
        UpdateModelRequest wrongSize = HostedServer.UpdateRequest("dup", 1, HostedServer.Filled(9f));
        wrongSize.Tensors[0].Data = ByteString.CopyFrom(wrongSize.Tensors[0].Data.Span[..12]);

        (await hosted.PostAsync(RoundPaths.UpdateModel, s_notProtobuf)).Dispose();
        (await hosted.PostAsync(RoundPaths.StartFLJob, [], "text/plain")).Dispose();
        (await hosted.PostAsync(RoundPaths.UpdateModel, new byte[8192])).Dispose();
        (await hosted.PostAsync("nosuchround", [])).Dispose();
        await hosted.StartFlJobAsync("a", 1, version: 0);
        // Iteration 1's three participants; two upload, so any bad update the server took would end the iteration
        // and publish a new model.
        await hosted.StartFlJobAsync("b", 2);
        await hosted.StartFlJobAsync("c", 2);
        await hosted.StartFlJobAsync("dup", 2);
        Assert.Equal(Retcode.Succeed, (await hosted.UpdateModelAsync(HostedServer.UpdateRequest("b", 1, HostedServer.Filled(5f)))).Retcode);
        Assert.Equal(Retcode.Succeed, (await hosted.UpdateModelAsync(HostedServer.UpdateRequest("c", 1, HostedServer.Filled(5f)))).Retcode);
        await hosted.UpdateModelAsync(HostedServer.UpdateRequest("a", 1, HostedServer.Filled(9f)));
        await hosted.UpdateModelAsync(unknownName);
        await hosted.UpdateModelAsync(wrongSize);
        await hosted.UpdateModelAsync(HostedServer.UpdateRequest("dup", 1, HostedServer.Model(float.NaN, 0, 0, 0, 0, 0)));
        await hosted.UpdateModelAsync(HostedServer.UpdateRequest("dup", 1, HostedServer.Model(0, 0, 0, 0, 0, float.PositiveInfinity)));
        await hosted.UpdateModelAsync(HostedServer.UpdateRequest("dup", 9, HostedServer.Filled(9f)));
        await AssertModelUnchangedAsync(hosted, "dup");

        await hosted.AssertFullIterationAsync("iteration2");
    }

    [Fact]
    public async Task Server_TwoFullIterations_EachModelIsFedAvgOfItsUpdates()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        await hosted.AssertFullIterationAsync("first");
        await hosted.AssertFullIterationAsync("second");

        Assert.Equal(3, (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).Iteration);
    }

    [Fact]
    public async Task Healthz_Running_Returns200Ok()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();

        using HttpResponseMessage response = await hosted.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task State_AfterOneJoin_ReportsIterationPhaseAndCounts()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        await hosted.StartFlJobAsync("c1", 10);

        using HttpResponseMessage response = await hosted.Client.GetAsync("/state");
        using JsonDocument state = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement root = state.RootElement;
        Assert.Equal(HostedServer.FlName, root.GetProperty("fl_name").GetString());
        Assert.Equal("Running", root.GetProperty("status").GetString());
        Assert.Equal(1, root.GetProperty("iteration").GetInt32());
        Assert.Equal("Selecting", root.GetProperty("phase").GetString());
        Assert.Equal(1, root.GetProperty("accepted").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("last_outcome").ValueKind);
    }

    [Fact]
    public async Task StartAsync_HostNameAsListenAddress_ThrowsNamingTheAddress()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        var options = new FederatedHostOptions { ListenAddresses = ["example.org:80"] };

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => FederatedHost.StartAsync(hosted.Server, options, CancellationToken.None));

        Assert.Contains("'example.org:80'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartFlJob_Http2OverTls_NegotiatedAndSucceeds()
    {
        using X509Certificate2 certificate = SelfSignedLoopbackCertificate();
        string thumbprint = certificate.Thumbprint;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == thumbprint;
        var client = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        await using HostedServer hosted = await HostedServer.StartAsync(configure: options => options.Certificate = certificate, client: client);
        var request = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, FlId = "tls-client", DataSize = 5 };

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.StartFLJob, request.ToByteArray());
        StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("https", hosted.Host.Addresses[0].Scheme);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(Retcode.Succeed, reply.Retcode);
        Assert.Equal(6, reply.Tensors.Sum(t => t.Data.Length) / sizeof(float));
    }

    [Fact]
    public async Task StartFlJob_PfxFileWithPassword_ServedOverHttps()
    {
        using X509Certificate2 certificate = SelfSignedLoopbackCertificate();
        string path = Path.Combine(Path.GetTempPath(), $"fedsharp-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "s3cret"));
        try
        {
            await AssertHttpsStartFlJobAsync(certificate, options =>
            {
                options.CertificatePath = path;
                options.CertificatePassword = "s3cret";
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StartFlJob_PemCertificateAndKey_ServedOverHttps()
    {
        using X509Certificate2 certificate = SelfSignedLoopbackCertificate();
        string certificatePath = Path.Combine(Path.GetTempPath(), $"fedsharp-{Guid.NewGuid():N}.crt");
        string keyPath = Path.ChangeExtension(certificatePath, ".key");
        using ECDsa key = certificate.GetECDsaPrivateKey()!;
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        try
        {
            await AssertHttpsStartFlJobAsync(certificate, options =>
            {
                options.CertificatePath = certificatePath;
                options.CertificateKeyPath = keyPath;
            });
        }
        finally
        {
            File.Delete(certificatePath);
            File.Delete(keyPath);
        }
    }

    [Fact]
    public async Task StartFlJob_H2cEndpoint_ServesHttp2WithPriorKnowledge()
    {
        var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        await using HostedServer hosted = await HostedServer.StartAsync(
            configure: options =>
            {
                options.ListenAddresses = [];
                options.H2cListenAddresses = ["127.0.0.1:0"];
            },
            client: client);
        var request = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, FlId = "h2c-client", DataSize = 5 };

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.StartFLJob, request.ToByteArray());
        StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Empty(hosted.Host.Addresses);
        Assert.Equal("http", hosted.Host.H2cAddresses[0].Scheme);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(Retcode.Succeed, reply.Retcode);
    }

    [Fact]
    public async Task Round_ServerDisposedWhileHostRuns_Returns503WithRetryAfter()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        await hosted.Server.DisposeAsync();
        var request = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = HostedServer.FlName, FlId = "late", DataSize = 1 };

        using HttpResponseMessage response = await hosted.PostAsync(RoundPaths.StartFLJob, request.ToByteArray());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task StopAsync_ThenRequest_ConnectionRefused()
    {
        await using HostedServer hosted = await HostedServer.StartAsync();
        Uri address = hosted.Host.Addresses[0];

        await hosted.Host.StopAsync(CancellationToken.None);

        using var fresh = new HttpClient { BaseAddress = address };
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("/healthz"));
    }

    private static async Task AssertHttpsStartFlJobAsync(X509Certificate2 expected, Action<FederatedHostOptions> configure)
    {
        string thumbprint = expected.Thumbprint;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == thumbprint;
        await using HostedServer hosted = await HostedServer.StartAsync(configure: configure, client: new HttpClient(handler));

        StartFLJobResponse reply = await hosted.StartFlJobAsync("tls-client", 3);

        Assert.Equal("https", hosted.Host.Addresses[0].Scheme);
        Assert.Equal(Retcode.Succeed, reply.Retcode);
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    /// <summary>
    /// Asserts that the global model is still the initial one (all 1), then that the set-up could have shown
    /// otherwise: a valid update of 5 from <paramref name="participant"/>, whose update is the last one the running
    /// iteration needs (every other one in it also 5), publishes a model of 5 at once. A rejected update that the
    /// server had taken instead would have done the same.
    /// </summary>
    private static async Task AssertModelUnchangedAsync(HostedServer hosted, string participant)
    {
        (int modelIteration, float[] values) = await hosted.GetModelAsync();
        Assert.Equal(0, modelIteration);
        Assert.All(values, v => Assert.Equal(1f, v));

        int iteration = (await hosted.Server.Coordinator.GetStateAsync(CancellationToken.None)).Iteration;
        UpdateModelResponse valid = await hosted.UpdateModelAsync(HostedServer.UpdateRequest(participant, iteration, HostedServer.Filled(5f)));
        Assert.True(valid.Retcode == Retcode.Succeed, valid.Reason);
        await hosted.Server.Coordinator.WhenIdleAsync();
        (int published, float[] changed) = await hosted.GetModelAsync();
        Assert.Equal(iteration, published);
        Assert.All(changed, v => Assert.Equal(5f, v));
    }

    /// <summary>A readable stream that does not report its length.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
