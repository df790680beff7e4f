using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Protocol;

public sealed class FederatedServerTests : IDisposable
{
    private const string FlName = "server-test";
    private readonly ManualTimeProvider _time = new();
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private JobConfiguration Configuration()
    {
        var configuration = new JobConfiguration { FlName = FlName, FlIterationNum = 7 };
        configuration.Round.StartFlJobThreshold = 2;
        configuration.Round.UpdateModelRatio = 0.5;
        configuration.Round.StartFlJobTimeWindow = TimeSpan.FromMilliseconds(1_500);
        configuration.Round.UpdateModelTimeWindow = TimeSpan.FromMilliseconds(2_500);
        configuration.Round.GlobalIterationTimeWindow = TimeSpan.FromMilliseconds(9_000);
        configuration.FedSharp.ClientSampling = ClientSamplingMode.Random;
        configuration.FedSharp.Seed = 42;
        configuration.FedSharp.CheckpointKeepCount = 4;
        configuration.FedSharp.CheckpointDir = Path.Combine(_root.Path, "ckpt");
        configuration.Summary.ContinuousFailureTimes = 6;
        configuration.Summary.MetricsFile = Path.Combine(_root.Path, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root.Path, "event.txt");
        return configuration;
    }

    [Fact]
    public void RoundOptionsMapping_Configuration_EveryRoundSetting()
    {
        RoundOptions options = RoundOptionsMapping.FromConfiguration(Configuration());

        Assert.Equal(2, options.StartFlJobThreshold);
        Assert.Equal(0.5, options.UpdateModelRatio);
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), options.StartFlJobTimeWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(2_500), options.UpdateModelTimeWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(9_000), options.GlobalIterationTimeWindow);
        Assert.Equal(7, options.FlIterationNum);
        Assert.Equal(ClientSampling.Random, options.ClientSampling);
        Assert.Equal(42, options.SamplingSeed);
        Assert.Equal(4, options.CheckpointKeepCount);
        Assert.Equal(6, options.ContinuousFailureTimes);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public async Task StartAsync_CheckpointFromEarlierRun_ResumesAfterIt()
    {
        JobConfiguration configuration = Configuration();
        configuration.FedSharp.ClientSampling = ClientSamplingMode.FirstCome;
        await using (FederatedServer first = await FederatedServer.StartAsync(configuration, Models.Filled(1f), _time, CancellationToken.None))
        {
            await SendAsync(first.Handler, RoundPaths.StartFLJob, new StartFLJobRequest { ProtocolVersion = 1, FlName = FlName, FlId = "a", DataSize = 1 });
            await SendAsync(first.Handler, RoundPaths.StartFLJob, new StartFLJobRequest { ProtocolVersion = 1, FlName = FlName, FlId = "b", DataSize = 1 });
            var update = new UpdateModelRequest { ProtocolVersion = 1, FlName = FlName, FlId = "a", Iteration = 1 };
            update.Tensors.AddRange(TensorCodec.Encode(Models.Filled(4f)));
            await SendAsync(first.Handler, RoundPaths.UpdateModel, update);
        }

        await using FederatedServer second = await FederatedServer.StartAsync(configuration, Models.Filled(1f), _time, CancellationToken.None);

        Assert.NotNull(second.Startup.ResumedFrom);
        Assert.Equal(1, second.Startup.ResumedFrom.Iteration);
        Assert.Equal(2, second.Startup.State.Iteration);
        Assert.All(Models.Flatten(second.Startup.ResumedFrom.Parameters), v => Assert.Equal(4f, v));
    }

    [Fact]
    public async Task StartFlJob_RandomSampling_CandidatesWaitThenExactlyThresholdAreDrawn()
    {
        await using FederatedServer server = await FederatedServer.StartAsync(Configuration(), Models.Filled(1f), _time, CancellationToken.None);
        string[] ids = ["a", "b", "c"];
        var first = new List<StartFLJobResponse>();
        foreach (string id in ids)
        {
            first.Add(await StartFlJobAsync(server.Handler, id));
        }

        _time.Advance(TimeSpan.FromMilliseconds(1_500));
        await server.Coordinator.WhenIdleAsync();
        var second = new List<StartFLJobResponse>();
        foreach (string id in ids)
        {
            second.Add(await StartFlJobAsync(server.Handler, id));
        }

        long drawAt = first[0].ServerTimeMs + 1_500;
        Assert.All(first, reply => Assert.Equal((Retcode.NotReady, drawAt), (reply.Retcode, reply.NextReqTimeMs)));
        Assert.Equal(2, second.Count(reply => reply.Retcode == Retcode.Succeed && reply.IsSelected && reply.Tensors.Count == 2));
        Assert.Equal(1, second.Count(reply => reply.Retcode == Retcode.OutOfTime && !reply.IsSelected));
    }

    [Theory]
    [InlineData(EncryptType.PwEncrypt, "PW_ENCRYPT", "unmasked")]
    [InlineData(EncryptType.StablePwEncrypt, "STABLE_PW_ENCRYPT", "unmasked")]
    [InlineData(EncryptType.DpEncrypt, "DP_ENCRYPT", "without noise")]
    [InlineData(EncryptType.Signds, "SIGNDS", "in the clear")]
    public async Task StartAsync_EncryptTypeNotBuilt_RefusesNamingTheKeyValueAndFix(EncryptType encrypt, string yamlName, string consequence)
    {
        JobConfiguration configuration = Configuration();
        configuration.Encrypt.EncryptTrainType = encrypt;

        ConfigurationException error = await Assert.ThrowsAsync<ConfigurationException>(
            () => FederatedServer.StartAsync(configuration, Models.Filled(1f), _time, CancellationToken.None));

        ConfigurationError refusal = Assert.Single(error.Errors);
        Assert.Equal("encrypt.encrypt_train_type", refusal.KeyPath);
        Assert.Contains($"'encrypt.encrypt_train_type' is {yamlName}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(consequence, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("use NOT_ENCRYPT", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_QuantisedDownloads_RefusesNamingTheSettingInsteadOfIgnoringIt()
    {
        JobConfiguration configuration = Configuration();
        configuration.Compression.DownloadCompressType = CompressType.Quant;

        ConfigurationException error = await Assert.ThrowsAsync<ConfigurationException>(
            () => FederatedServer.StartAsync(configuration, Models.Filled(1f), _time, CancellationToken.None));

        Assert.Contains("'compression.download_compress_type' is QUANT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ParameterOfAnUnbuiltMode_RefusedEvenWhileTheModeIsOff()
    {
        JobConfiguration configuration = Configuration();
        configuration.Encrypt.DpEncrypt.DpEps = 1;

        ConfigurationException error = await Assert.ThrowsAsync<ConfigurationException>(
            () => FederatedServer.StartAsync(configuration, Models.Filled(1f), _time, CancellationToken.None));

        Assert.Contains("'encrypt.dp_encrypt.dp_eps' is 1: it is a parameter of DP_ENCRYPT", error.Message, StringComparison.Ordinal);
    }

    private static async Task<StartFLJobResponse> StartFlJobAsync(DeviceProtocolHandler handler, string id)
    {
        var request = new StartFLJobRequest { ProtocolVersion = 1, FlName = FlName, FlId = id, DataSize = 5 };
        ProtocolResponse response = await handler.HandleAsync(RoundPaths.StartFLJob, request.ToByteArray(), CancellationToken.None);
        return StartFLJobResponse.Parser.ParseFrom(response.Body.Span);
    }

    private static async Task SendAsync(DeviceProtocolHandler handler, string round, IMessage request)
    {
        ProtocolResponse response = await handler.HandleAsync(round, request.ToByteArray(), CancellationToken.None);
        Assert.Equal(200, response.StatusCode);
    }
}
