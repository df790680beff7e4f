using FedSharp.Core.Configuration;
using FedSharp.Core.Protocol;

namespace FedSharp.Core.Tests.Configuration;

public class JobConfigurationTests
{
    private const string Minimal = """
        fl_name: Lenet
        server_mode: FEDERATED_LEARNING
        round:
          start_fl_job_threshold: 4
        """;

    private static ConfigurationException ParseFails(string yaml, params string[] overrides) =>
        Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(yaml, "job.yaml", overrides));

    private static void AssertLeNetValues(JobConfiguration config)
    {
        Assert.Equal("Lenet", config.FlName);
        Assert.Equal(25, config.FlIterationNum);
        Assert.Equal(ServerMode.FederatedLearning, config.ServerMode);
        Assert.False(config.EnableSsl);
        Assert.Equal("redis", config.DistributedCache.Type);
        Assert.Equal("127.0.0.1:23456", config.DistributedCache.Address);
        Assert.Equal(string.Empty, config.DistributedCache.PluginLibPath);
        Assert.Equal(2, config.Round.StartFlJobThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Round.StartFlJobTimeWindow);
        Assert.Equal(1.0, config.Round.UpdateModelRatio);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Round.UpdateModelTimeWindow);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Round.GlobalIterationTimeWindow);
        Assert.Equal(2, config.Round.UpdateModelThreshold);
        Assert.Equal("metrics.json", config.Summary.MetricsFile);
        Assert.Equal("event.txt", config.Summary.FailureEventFile);
        Assert.Equal(10, config.Summary.ContinuousFailureTimes);
        Assert.Equal("..", config.Summary.DataRateDir);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Summary.ParticipationTimeLevel1);
        Assert.Equal(TimeSpan.FromMinutes(15), config.Summary.ParticipationTimeLevel2);
        Assert.Equal(1000, config.Unsupervised.ClusterClientNum);
        Assert.Equal(UnsupervisedEvalType.SilhouetteScore, config.Unsupervised.EvalType);
        Assert.Equal(EncryptType.NotEncrypt, config.Encrypt.EncryptTrainType);
        Assert.Equal(1.0, config.Encrypt.PwEncrypt.ShareSecretsRatio);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Encrypt.PwEncrypt.CipherTimeWindow);
        Assert.Equal(1, config.Encrypt.PwEncrypt.ReconstructSecretsThreshold);
        Assert.Equal(50.0, config.Encrypt.DpEncrypt.DpEps);
        Assert.Equal(0.01, config.Encrypt.DpEncrypt.DpDelta);
        Assert.Equal(1.0, config.Encrypt.DpEncrypt.DpNormClip);
        Assert.Equal(0.01, config.Encrypt.Signds.SignK);
        Assert.Equal(100, config.Encrypt.Signds.SignEps);
        Assert.Equal(0.6, config.Encrypt.Signds.SignThrRatio);
        Assert.Equal(0.1, config.Encrypt.Signds.SignGlobalLr);
        Assert.Equal(0, config.Encrypt.Signds.SignDimOut);
        Assert.Equal(CompressType.NoCompress, config.Compression.UploadCompressType);
        Assert.Equal(0.4, config.Compression.UploadSparseRate);
        Assert.Equal(CompressType.NoCompress, config.Compression.DownloadCompressType);
        Assert.Equal("server.p12", config.Ssl.ServerCertPath);
        Assert.Equal("client.p12", config.Ssl.ClientCertPath);
        Assert.Equal("ca.crt", config.Ssl.CaCertPath);
        Assert.StartsWith("ECDHE-RSA-AES128-GCM-SHA256:", config.Ssl.CipherList, StringComparison.Ordinal);
        Assert.Equal(90, config.Ssl.CertExpireWarningTimeInDay);
        Assert.False(config.ClientVerify.PkiVerify);
        Assert.Equal(TimeSpan.FromMinutes(10), config.ClientVerify.ReplayAttackTimeDiff);
        Assert.Equal(string.Empty, config.Client.HttpUrlPrefix);
        Assert.Equal(20, config.Client.ClientEpochNum);
        Assert.Equal(32, config.Client.ClientBatchSize);
        Assert.Equal(0.01, config.Client.ClientLearningRate);
        Assert.Equal(10000, config.Client.ConnectionNum);
    }

    [Fact]
    public void Load_LeNetExampleAsset_HasThePublishedValues()
    {
        JobConfiguration config = JobConfiguration.Load(LeNetExample.AssetPath);

        AssertLeNetValues(config);
    }

    [Fact]
    public void Load_LeNetExampleBesideTheBrief_LoadsUnchanged()
    {
        // Arrange: the shared reference file when the repository sits beside it, else the asset copy of it.
        string? shared = LeNetExample.SharedReferencePath();
        string path = shared ?? LeNetExample.AssetPath;

        // Act
        JobConfiguration config = JobConfiguration.Load(path);

        // Assert
        AssertLeNetValues(config);
        if (shared is not null)
        {
            Assert.Equal(File.ReadAllText(shared), File.ReadAllText(LeNetExample.AssetPath));
        }
    }

    [Fact]
    public void Parse_MinimalFile_AppliesMindSporeDefaults()
    {
        JobConfiguration config = JobConfiguration.Parse(Minimal, "job.yaml");

        Assert.Equal(20, config.FlIterationNum);
        Assert.False(config.EnableSsl);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Round.StartFlJobTimeWindow);
        Assert.Equal(TimeSpan.FromHours(1), config.Round.GlobalIterationTimeWindow);
        Assert.Equal(AggregationType.FedAvg, config.Aggregation.AggregationType);
        Assert.Equal(25, config.Client.ClientEpochNum);
        Assert.Equal(0.001, config.Client.ClientLearningRate);
        Assert.Equal(UnsupervisedEvalType.NotEval, config.Unsupervised.EvalType);
        Assert.Equal(ClientSamplingMode.FirstCome, config.FedSharp.ClientSampling);
        Assert.Equal(100L * 1024 * 1024, config.FedSharp.MaxRequestBodyBytes);
        Assert.Equal(string.Empty, config.DistributedCache.Address);
    }

    [Fact]
    public void Parse_UnknownKey_NamesPathLineAndClosestKey()
    {
        string yaml = Minimal + "\n  update_model_ration: 0.5\n";

        ConfigurationException exception = ParseFails(yaml);

        ConfigurationError error = Assert.Single(exception.Errors);
        Assert.Equal("round.update_model_ration", error.KeyPath);
        Assert.Equal(5, error.Line);
        Assert.Equal(3, error.Column);
        Assert.StartsWith("unknown key 'round.update_model_ration'; did you mean 'round.update_model_ratio'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("job.yaml:5:3: unknown key 'round.update_model_ration'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyInWrongSection_SuggestsItsSection()
    {
        string yaml = Minimal + "\nclient_epoch_num: 5\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("unknown key 'client_epoch_num'; did you mean 'client.client_epoch_num' (it belongs in section 'client')?", error.Message);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Parse_TopLevelKeyInsideASection_SuggestsTheTopLevel()
    {
        string yaml = Minimal + "\n  fl_iteration_num: 5\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("unknown key 'round.fl_iteration_num'; did you mean 'fl_iteration_num' (it belongs at the top level)?", error.Message);
    }

    [Fact]
    public void Parse_WrongType_NamesKeyLineValueAndExpectedType()
    {
        string yaml = Minimal.Replace("start_fl_job_threshold: 4", "start_fl_job_threshold: ten", StringComparison.Ordinal);

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("round.start_fl_job_threshold", error.KeyPath);
        Assert.Equal(4, error.Line);
        Assert.Equal("'round.start_fl_job_threshold' must be an integer in [1, 2147483647]; got 'ten'", error.Message);
    }

    [Fact]
    public void Parse_OutOfRange_NamesKeyLineValueAndRange()
    {
        string yaml = Minimal + "\n  update_model_ratio: 1.5\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("round.update_model_ratio", error.KeyPath);
        Assert.Equal(5, error.Line);
        Assert.Equal("'round.update_model_ratio' is 1.5; it must be a number in (0, 1]", error.Message);
        Assert.Equal("job.yaml:5:23: 'round.update_model_ratio' is 1.5; it must be a number in (0, 1]", error.ToString());
    }

    [Fact]
    public void Parse_MissingRequiredKey_NamesKeySectionLineAndRange()
    {
        string yaml = """
            fl_name: Lenet
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_time_window: 3000
            """;

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("round.start_fl_job_threshold", error.KeyPath);
        Assert.Equal(3, error.Line);
        Assert.Equal("required key 'round.start_fl_job_threshold' is missing; add it to section 'round': an integer in [1, 2147483647]", error.Message);
    }

    [Fact]
    public void Parse_MalformedYaml_ReportsTheLine()
    {
        string yaml = "fl_name: Lenet\nround:\n  start_fl_job_threshold: 2\n update_model_ratio: 1.0\nserver_mode: CLOUD_TRAINING\n";

        ConfigurationException exception = ParseFails(yaml);

        ConfigurationError error = Assert.Single(exception.Errors);
        Assert.StartsWith("malformed YAML:", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
        Assert.NotNull(exception.InnerException);
    }

    [Fact]
    public void Parse_UnclosedFlowList_IsReportedAsMalformed()
    {
        string yaml = "fl_name: Lenet\nround:\n  start_fl_job_threshold: [1, 2\nserver_mode: CLOUD_TRAINING\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.StartsWith("malformed YAML:", error.Message, StringComparison.Ordinal);
        Assert.Contains("job.yaml", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_IsReportedWithItsLine()
    {
        string yaml = Minimal + "\nfl_name: Other\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllOfThemTogether()
    {
        string yaml = """
            fl_nam: Lenet
            server_mode: FEDERATED
            enable_ssl: maybe
            round:
              start_fl_job_threshold: 0
              update_model_ratio: 0
            client:
              client_learning_rate: -1
            """;

        ConfigurationException exception = ParseFails(yaml);

        Assert.Equal(
            ["fl_nam", "server_mode", "enable_ssl", "round.start_fl_job_threshold", "round.update_model_ratio", "client.client_learning_rate", "fl_name"],
            exception.Errors.Select(e => e.KeyPath));
        Assert.Equal([1, 2, 3, 5, 6, 8, 1], exception.Errors.Select(e => e.Line));
        Assert.Contains("has 7 errors", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidChoice_ListsAllowedValuesAndClosest()
    {
        string yaml = Minimal.Replace("FEDERATED_LEARNING", "federated_learning", StringComparison.Ordinal);

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal(
            "'server_mode' is 'federated_learning'; it must be one of FEDERATED_LEARNING, HYBRID_TRAINING, CLOUD_TRAINING (did you mean 'FEDERATED_LEARNING'?)",
            error.Message);
    }

    [Fact]
    public void Parse_TruncatedChoice_SuggestsTheFullValue()
    {
        string yaml = Minimal.Replace("FEDERATED_LEARNING", "FEDERATED", StringComparison.Ordinal);

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.EndsWith("(did you mean 'FEDERATED_LEARNING'?)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Parse_ListWhereANumberBelongs_IsAWrongType()
    {
        string yaml = Minimal + "\nclient:\n  client_learning_rate: [0.1]\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("'client.client_learning_rate' must be a number > 0; got a list", error.Message);
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Parse_EmptyDocument_ReportsEveryRequiredKey()
    {
        ConfigurationException exception = ParseFails(string.Empty);

        Assert.Equal(["fl_name", "server_mode", "round.start_fl_job_threshold"], exception.Errors.Select(e => e.KeyPath));
    }

    [Fact]
    public void Parse_TwoDocuments_AreRejected()
    {
        string yaml = Minimal + "\n---\nfl_name: Other\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("the file holds more than one YAML document; keep only one (remove the extra '---')", error.Message);
        Assert.Equal(6, error.Line);
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("False", false)]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("yes", true)]
    [InlineData("off", false)]
    public void Parse_YamlBooleanSpellings_AreAccepted(string written, bool expected)
    {
        string yaml = Minimal + $"\nclient_verify:\n  pki_verify: {written}\n";

        JobConfiguration config = JobConfiguration.Parse(yaml, "job.yaml");

        Assert.Equal(expected, config.ClientVerify.PkiVerify);
    }

    [Fact]
    public void Parse_QuotedBoolean_IsAWrongType()
    {
        string yaml = Minimal + "\nenable_ssl: \"true\"\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("'enable_ssl' must be true or false; got the quoted string \"true\"", error.Message);
    }

    [Fact]
    public void Parse_IntegerForANumberKey_IsAccepted()
    {
        string yaml = Minimal + "\n  update_model_ratio: 1\n";

        JobConfiguration config = JobConfiguration.Parse(yaml, "job.yaml");

        Assert.Equal(1.0, config.Round.UpdateModelRatio);
    }

    [Theory]
    [InlineData(".inf")]
    [InlineData(".nan")]
    public void Parse_NonFiniteNumber_IsOutOfRange(string written)
    {
        string yaml = Minimal + $"\nencrypt:\n  dp_encrypt:\n    dp_eps: {written}\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal($"'encrypt.dp_encrypt.dp_eps' is {written}; it must be a number > 0", error.Message);
    }

    [Fact]
    public void Parse_SectionGivenAValue_IsAWrongType()
    {
        string yaml = Minimal + "\nsummary: metrics.json\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("summary", error.KeyPath);
        Assert.StartsWith("'summary' is a section and must hold keys (metrics_file, failure_event_file,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnableSslWithoutCertificates_NamesTheMissingSslKeys()
    {
        string yaml = Minimal + "\nenable_ssl: True\n";

        ConfigurationException exception = ParseFails(yaml);

        Assert.Equal(["ssl.server_cert_path", "ssl.ca_cert_path"], exception.Errors.Select(e => e.KeyPath));
        Assert.All(exception.Errors, e => Assert.Contains("is required when 'enable_ssl' is true", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PwEncryptThresholdAboveClients_ReportsMindSporesStartupRule()
    {
        string yaml = Minimal + "\nencrypt:\n  encrypt_train_type: PW_ENCRYPT\n  pw_encrypt:\n    reconstruct_secrets_threshold: 4\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("encrypt.pw_encrypt.reconstruct_secrets_threshold", error.KeyPath);
        Assert.Equal(8, error.Line);
        Assert.Contains("the shareSecrets threshold (4) must be at least t + 1 = 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ParticipationLevelsReversed_IsOutOfRange()
    {
        string yaml = Minimal + "\nsummary:\n  participation_time_level: \"15,5\"\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("'summary.participation_time_level' is the quoted string \"15,5\"; it must be two whole minute counts \"level1,level2\" with 0 < level1 < level2 ≤ 2880", error.Message);
    }

    [Fact]
    public void Parse_FedSharpSection_LoadsItsKeys()
    {
        string yaml = Minimal + """

            fedsharp:
              checkpoint_dir: /var/lib/fedsharp
              checkpoint_keep_count: 5
              http_listen_address: 0.0.0.0:8080
              max_request_body_bytes: 1048576
              client_sampling: random
              seed: 42
            """;

        JobConfiguration config = JobConfiguration.Parse(yaml, "job.yaml");

        Assert.Equal("/var/lib/fedsharp", config.FedSharp.CheckpointDir);
        Assert.Equal(5, config.FedSharp.CheckpointKeepCount);
        Assert.Equal("0.0.0.0:8080", config.FedSharp.HttpListenAddress);
        Assert.Equal(1_048_576, config.FedSharp.MaxRequestBodyBytes);
        Assert.Equal(ClientSamplingMode.Random, config.FedSharp.ClientSampling);
        Assert.Equal(42, config.FedSharp.Seed);
    }

    [Fact]
    public void Parse_ListenAddressWithoutPort_IsRejected()
    {
        string yaml = Minimal + "\nfedsharp:\n  http_listen_address: localhost\n";

        ConfigurationError error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("'fedsharp.http_listen_address' is 'localhost'; it must be host:port with a port in [1, 65535]", error.Message);
    }

    [Fact]
    public void Parse_Overrides_ApplyAfterTheFileAndCanSupplyRequiredKeys()
    {
        string yaml = "fl_name: Lenet\nround:\n  start_fl_job_threshold: 2\n";

        JobConfiguration config = JobConfiguration.Parse(
            yaml, "job.yaml", ["server_mode=CLOUD_TRAINING", "round.start_fl_job_threshold=10", "enable_ssl=False", "fl_name='Le net'"]);

        Assert.Equal(ServerMode.CloudTraining, config.ServerMode);
        Assert.Equal(10, config.Round.StartFlJobThreshold);
        Assert.Equal("Le net", config.FlName);
    }

    [Fact]
    public void Parse_InvalidOverrides_AreReportedWithTheirAssignment()
    {
        ConfigurationException exception = ParseFails(Minimal, "round.update_model_ratio=2", "round.start_fl_job_treshold=3", "fl_iteration_num");

        Assert.Equal(
            [
                "--set round.update_model_ratio=2: 'round.update_model_ratio' is 2; it must be a number in (0, 1]",
                "--set round.start_fl_job_treshold=3: unknown key 'round.start_fl_job_treshold'; did you mean 'round.start_fl_job_threshold'?",
                "--set fl_iteration_num: an override must look like key.path=value, e.g. round.start_fl_job_threshold=10; got 'fl_iteration_num'",
            ],
            exception.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ApplyOverrides_ValidAssignments_ChangeTheConfiguration()
    {
        JobConfiguration config = JobConfiguration.Parse(Minimal, "job.yaml");

        config.ApplyOverrides(["round.start_fl_job_threshold=10", "client.client_learning_rate=0.05"]);

        Assert.Equal(10, config.Round.StartFlJobThreshold);
        Assert.Equal(0.05, config.Client.ClientLearningRate);
    }

    [Fact]
    public void ApplyOverrides_OneInvalidAssignment_LeavesTheConfigurationUnchanged()
    {
        JobConfiguration config = JobConfiguration.Parse(Minimal, "job.yaml");

        ConfigurationException exception = Assert.Throws<ConfigurationException>(
            () => config.ApplyOverrides(["round.start_fl_job_threshold=10", "round=3"]));

        Assert.Equal(4, config.Round.StartFlJobThreshold);
        ConfigurationError error = Assert.Single(exception.Errors);
        Assert.StartsWith("'round' is a section; set one of its keys instead: round.start_fl_job_threshold,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValueOutOfRangeSetInCode_ReportsKeyAndRange()
    {
        JobConfiguration config = JobConfiguration.Parse(Minimal, "job.yaml");
        config.Round.UpdateModelRatio = 0;
        config.Client.ClientBatchSize = 0;

        ConfigurationException exception = Assert.Throws<ConfigurationException>(config.Validate);

        Assert.Equal(
            [
                "<code>: 'round.update_model_ratio' is 0; it must be a number in (0, 1]",
                "<code>: 'client.client_batch_size' is 0; it must be an integer in [1, 2147483647]",
            ],
            exception.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_LoadedConfiguration_Passes()
    {
        JobConfiguration config = JobConfiguration.Load(LeNetExample.AssetPath);

        config.Validate();

        Assert.Equal("Lenet", config.FlName);
    }

    [Fact]
    public void ToFLPlan_LeNetExample_CarriesTheClientPlanAndCipherParameters()
    {
        JobConfiguration config = JobConfiguration.Load(LeNetExample.AssetPath, ["encrypt.encrypt_train_type=DP_ENCRYPT"]);

        FLPlan plan = config.ToFLPlan();

        Assert.Equal(ServerMode.FederatedLearning, plan.ServerMode);
        Assert.Equal("Lenet", plan.FlName);
        Assert.Equal(25, plan.Iterations);
        Assert.Equal(20, plan.Epochs);
        Assert.Equal(32, plan.MiniBatch);
        Assert.Equal(0.01f, plan.Lr);
        Assert.Equal(AggregationType.FedAvg, plan.Aggregation.Type);
        Assert.Equal(EncryptType.DpEncrypt, plan.Cipher.EncryptType);
        Assert.Equal(50f, plan.Cipher.DpParams.DpEps);
        Assert.Equal(0.01f, plan.Cipher.DpParams.DpDelta);
        Assert.Equal(1, plan.Cipher.PwParams.T);
        Assert.Equal(0.6f, plan.Cipher.DsParams.SignThrRatio);
        Assert.True(plan.Cipher.PwParams.Prime.IsEmpty);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "no-such-job.yaml");

        ConfigurationException exception = Assert.Throws<ConfigurationException>(() => JobConfiguration.Load(path));

        Assert.Contains("cannot read the configuration file", exception.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-job.yaml", exception.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(exception.InnerException);
    }
}
