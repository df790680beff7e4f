using FedSharp.Core.Configuration;
using FedSharp.Core.Protocol;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Configuration;

/// <summary>
/// The strategy keys end to end in configuration: what each combination builds, and every key that would have no
/// effect with the chosen strategy stopping loading with its name, its line and the fix.
/// </summary>
public sealed class StrategyKeysTests
{
    private const string Base = """
        fl_name: keys
        server_mode: FEDERATED_LEARNING
        round:
          start_fl_job_threshold: 2
        """;

    [Theory]
    [InlineData("aggregation.aggregation_type=FedAvg", typeof(FedAvg))]
    [InlineData("aggregation.aggregation_type=FedProx", typeof(FedProx))]
    [InlineData("fedsharp.server_optimizer=momentum", typeof(FedAvgM))]
    [InlineData("fedsharp.server_optimizer=adam", typeof(FedAdam))]
    [InlineData("fedsharp.server_optimizer=yogi", typeof(FedYogi))]
    [InlineData("fedsharp.server_optimizer=adagrad", typeof(FedAdagrad))]
    public void FromConfiguration_Keys_BuildTheStrategy(string assignment, Type expected)
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml", [assignment]);

        IStrategy strategy = StrategyMapping.FromConfiguration(configuration);

        Assert.IsType(expected, strategy);
    }

    [Fact]
    public void FromConfiguration_FedProxWithAdam_AdamOverFedProxWithMuAndRate()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml",
        [
            "aggregation.aggregation_type=FedProx", "aggregation.iid_rate=0.01",
            "fedsharp.server_optimizer=adam", "fedsharp.server_learning_rate=0.03",
        ]);

        var adam = Assert.IsType<FedAdam>(StrategyMapping.FromConfiguration(configuration));

        Assert.Equal(0.03, adam.LearningRate);
        Assert.Equal(0.01, Assert.IsType<FedProx>(adam.Inner).ProximalMu);
    }

    [Theory]
    [InlineData("aggregation.iid_rate", "0.01", "", "aggregation_type: FedProx")]
    [InlineData("fedsharp.server_learning_rate", "0.1", "", "server_optimizer to momentum, adam, yogi or adagrad")]
    [InlineData("fedsharp.server_momentum", "0.5", "adam", "server_optimizer: momentum")]
    [InlineData("fedsharp.server_beta1", "0.5", "momentum", "server_optimizer to adam, yogi or adagrad")]
    [InlineData("fedsharp.server_tau", "0.01", "none", "server_optimizer to adam, yogi or adagrad")]
    [InlineData("fedsharp.server_beta2", "0.999", "adagrad", "FedAdagrad sums squares without decay")]
    [InlineData("fedsharp.server_beta2", "0.999", "momentum", "server_optimizer to adam or yogi")]
    public void Load_KeyWithoutEffectForTheStrategy_FailsNamingKeyLineAndFix(string key, string value, string optimizer, string fix)
    {
        string section = key[..key.IndexOf('.', StringComparison.Ordinal)];
        string name = key[(section.Length + 1)..];
        string yaml = section == "fedsharp"
            ? $"{Base}\nfedsharp:\n  {(optimizer.Length > 0 ? $"server_optimizer: {optimizer}\n  " : string.Empty)}{name}: {value}\n"
            : $"{Base}\n{section}:\n  {name}: {value}\n";

        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(yaml, "job.yaml"));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal(key, named.KeyPath);
        Assert.True(named.Line > 4, $"The error points at line {named.Line}, not at the key.");
        Assert.Contains($"'{key}' is {value} but has no effect", named.Message, StringComparison.Ordinal);
        Assert.Contains(fix, named.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedsharp.server_learning_rate=0")]
    [InlineData("fedsharp.server_momentum=1")]
    [InlineData("fedsharp.server_beta1=-0.1")]
    [InlineData("fedsharp.server_beta2=1")]
    [InlineData("fedsharp.server_tau=0")]
    [InlineData("aggregation.iid_rate=1.5")]
    public void Load_ValueOutOfRange_FailsNamingKeyAndRange(string assignment)
    {
        string key = assignment[..assignment.IndexOf('=', StringComparison.Ordinal)];

        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(Base, "job.yaml", [assignment]));

        Assert.Contains(error.Errors, e => e.KeyPath == key && e.Message.Contains("it must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CodeBuiltConfigurationWithStrayKey_FailsNamingIt()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml");
        configuration.FedSharp.ServerBeta1 = 0.5;

        var error = Assert.Throws<ConfigurationException>(configuration.Validate);

        Assert.Equal("fedsharp.server_beta1", Assert.Single(error.Errors).KeyPath);
    }

    [Fact]
    public void FindUnsupported_FedCm_StillRefusedNamingWhatIsBuilt()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml", ["aggregation.aggregation_type=FedCM"]);

        ConfigurationError refused = Assert.Single(configuration.FindUnsupported());

        Assert.Equal("aggregation.aggregation_type", refused.KeyPath);
        Assert.Contains("use FedAvg, FedProx, Scaffold or FedNova", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_ScaffoldWithTotalClients_BuildsScaffoldWithN()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml", ["aggregation.aggregation_type=Scaffold", "aggregation.total_client_num=10"]);

        var scaffold = Assert.IsType<Scaffold>(StrategyMapping.FromConfiguration(configuration));

        Assert.Empty(configuration.FindUnsupported());
        Assert.Equal(10, scaffold.TotalClients);
        Assert.Equal(10, configuration.ToFLPlan().Aggregation.TotalClientNum);
    }

    [Fact]
    public void FromConfiguration_FedNova_BuildsFedNova()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml", ["aggregation.aggregation_type=FedNova"]);

        Assert.Empty(configuration.FindUnsupported());
        Assert.IsType<FedNova>(StrategyMapping.FromConfiguration(configuration));
    }

    [Fact]
    public void FromConfiguration_ScaffoldWithoutTotalClients_RefusedNamingTheKey()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml", ["aggregation.aggregation_type=Scaffold"]);

        var error = Assert.Throws<ConfigurationException>(() => StrategyMapping.FromConfiguration(configuration));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("aggregation.total_client_num", named.KeyPath);
        Assert.Contains("set aggregation.total_client_num", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TotalClientsWithoutScaffold_FailsNamingTheKey()
    {
        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse($"{Base}\naggregation:\n  total_client_num: 10\n", "job.yaml"));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("aggregation.total_client_num", named.KeyPath);
        Assert.Contains("set aggregation_type: Scaffold", named.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Scaffold")]
    [InlineData("FedNova")]
    public void Load_ServerOptimizerOverScaffoldOrFedNova_FailsNamingTheKey(string type)
    {
        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(Base, "job.yaml",
            [$"aggregation.aggregation_type={type}", "aggregation.total_client_num=10", "fedsharp.server_optimizer=adam"]));

        Assert.Contains(error.Errors, e => e.KeyPath == "fedsharp.server_optimizer" && e.Message.Contains("set server_optimizer: none", StringComparison.Ordinal));
    }

    [Fact]
    public void FindUnsupported_FedProxWithMu_NothingRefused()
    {
        JobConfiguration configuration = JobConfiguration.Parse(Base, "job.yaml", ["aggregation.aggregation_type=FedProx", "aggregation.iid_rate=0.01"]);

        Assert.Empty(configuration.FindUnsupported());
        Assert.Equal(AggregationType.FedProx, configuration.ToFLPlan().Aggregation.Type);
    }

    [Fact]
    public void Load_SamplingTargetWithFirstCome_FailsNamingTheKeyAndTheFix()
    {
        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(Base, "job.yaml", ["fedsharp.sampling_target=5"]));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("fedsharp.sampling_target", named.KeyPath);
        Assert.Contains("'fedsharp.sampling_target' is 5 but has no effect", named.Message, StringComparison.Ordinal);
        Assert.Contains("client_sampling: random", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SamplingTargetBelowTheThreshold_FailsNamingTheMinimum()
    {
        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(Base, "job.yaml", ["fedsharp.client_sampling=random", "fedsharp.sampling_target=1"]));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("fedsharp.sampling_target", named.KeyPath);
        Assert.Contains("set it to at least 2", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RobustRuleWithAServerOptimizer_FailsNamingTheOptimizer()
    {
        var error = Assert.Throws<ConfigurationException>(() => JobConfiguration.Parse(Base, "job.yaml", ["fedsharp.robust_aggregation=median", "fedsharp.server_optimizer=adam"]));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("fedsharp.server_optimizer", named.KeyPath);
        Assert.Contains("a server optimizer over a robust rule is not built yet", named.Message, StringComparison.Ordinal);
    }
}
