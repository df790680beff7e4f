using FedSharp.Core.Configuration;

namespace FedSharp.Simulation.Tests;

/// <summary>Small job configurations for simulations on the bundled Fashion-MNIST subset.</summary>
internal static class TestConfigurations
{
    public static JobConfiguration Create(string reportDirectory, params string[] overrides)
    {
        const string Yaml = """
            fl_name: sim_test
            fl_iteration_num: 3
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 5
            client:
              client_epoch_num: 1
              client_batch_size: 32
              client_learning_rate: 0.05
            fedsharp:
              model: logistic-regression
            simulation:
              clients: 5
              dataset: fashion-mnist-subset
              threads: 1
              seed: 7
            """;
        return JobConfiguration.Parse(Yaml, "test.yaml", [$"simulation.report_dir={reportDirectory}", .. overrides]);
    }
}
