using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration.Schema;

internal sealed partial class ConfigurationReader
{
    // Rules that involve more than one key; each error is reported at the line of the key to change.
    private void CheckRules()
    {
        JobConfiguration c = _target;
        if (c.EnableSsl)
        {
            RequireWhenSsl("ssl.server_cert_path", c.Ssl.ServerCertPath, "the PKCS#12 server certificate");
            RequireWhenSsl("ssl.ca_cert_path", c.Ssl.CaCertPath, "the CA certificate");
        }

        CheckStrategyKeys(c);
        CheckSamplingKeys(c);

        if (c.Unsupervised.EvalType != UnsupervisedEvalType.NotEval && c.Unsupervised.ClusterClientNum < 1)
        {
            ReportAt(
                "unsupervised.cluster_client_num",
                $"'unsupervised.cluster_client_num' is {c.Unsupervised.ClusterClientNum}; it must be ≥ 1 when 'unsupervised.eval_type' is not NOT_EVAL");
        }

        if (c.Encrypt.EncryptTrainType == EncryptType.PwEncrypt && c.Round.StartFlJobThreshold >= 1 && c.Round.UpdateModelRatio > 0)
        {
            // MindSpore's start-up check (InitRoundConfigs): the shareSecrets threshold must reach t + 1, or the
            // secrets of dropped clients could never be reconstructed.
            double r = c.Encrypt.PwEncrypt.ShareSecretsRatio;
            int update = c.Round.UpdateModelThreshold;
            int exchange = Math.Max((int)Math.Ceiling(c.Round.StartFlJobThreshold * r), update);
            int getKeys = Math.Max((int)Math.Ceiling(exchange * r), update);
            int share = Math.Max((int)Math.Ceiling(getKeys * r), update);
            int t = c.Encrypt.PwEncrypt.ReconstructSecretsThreshold;
            if (share < t + 1)
            {
                ReportAt(
                    "encrypt.pw_encrypt.reconstruct_secrets_threshold",
                    $"'encrypt.pw_encrypt.reconstruct_secrets_threshold' is {t}; with PW_ENCRYPT the shareSecrets threshold ({share}) must be at least t + 1 = {t + 1}; lower it or raise 'round.start_fl_job_threshold'");
            }
        }

        CheckRobustAggregationRules();
        CheckAttackRules();
    }

    private static readonly JobConfiguration s_defaults = new();

    // Fail closed: a key set away from its default that the chosen strategy never reads is an error, not a no-op,
    // because whoever wrote it believes it acts.
    private void CheckStrategyKeys(JobConfiguration c)
    {
        if (c.Aggregation.AggregationType != AggregationType.FedProx)
        {
            RefuseWithout("aggregation.iid_rate", c, $"it is FedProx's μ and 'aggregation.aggregation_type' is {c.Aggregation.AggregationType}; set aggregation_type: FedProx or remove the key");
        }

        AggregationType aggregation = c.Aggregation.AggregationType;
        if (aggregation != AggregationType.Scaffold && c.Aggregation.TotalClientNum is not null && c.Aggregation.TotalClientNum != 1)
        {
            ReportAt("aggregation.total_client_num", $"'aggregation.total_client_num' is {c.Aggregation.TotalClientNum} but has no effect: it is SCAFFOLD's divisor and 'aggregation.aggregation_type' is {aggregation}; set aggregation_type: Scaffold or remove the key");
        }

        ServerOptimizerKind optimizer = c.FedSharp.ServerOptimizer;
        string chosen = ConfigurationSchema.ByPath["fedsharp.server_optimizer"].Show(c);
        if (optimizer != ServerOptimizerKind.None && aggregation is (AggregationType.Scaffold or AggregationType.FedNova))
        {
            // Both replace the server's step (SCAFFOLD moves c with the mean, FedNova rescales by τ_eff); a server
            // optimizer on top would be a third algorithm that neither paper nor NIID-Bench measured.
            ReportAt("fedsharp.server_optimizer", $"'fedsharp.server_optimizer' is {chosen} but 'aggregation.aggregation_type' is {aggregation}, whose server step is its own; set server_optimizer: none or use FedAvg or FedProx");
        }
        if (optimizer == ServerOptimizerKind.None)
        {
            RefuseWithout("fedsharp.server_learning_rate", c, "'fedsharp.server_optimizer' is none, which takes the weighted mean as the next model; set server_optimizer to momentum, adam, yogi or adagrad, or remove the key");
        }

        if (optimizer != ServerOptimizerKind.Momentum)
        {
            RefuseWithout("fedsharp.server_momentum", c, $"it is FedAvgM's momentum and 'fedsharp.server_optimizer' is {chosen}; set server_optimizer: momentum or remove the key");
        }

        if (optimizer is not (ServerOptimizerKind.Adam or ServerOptimizerKind.Yogi or ServerOptimizerKind.Adagrad))
        {
            RefuseWithout("fedsharp.server_beta1", c, $"it is FedOpt's first-moment decay and 'fedsharp.server_optimizer' is {chosen}; set server_optimizer to adam, yogi or adagrad, or remove the key");
            RefuseWithout("fedsharp.server_tau", c, $"it is FedOpt's adaptivity and 'fedsharp.server_optimizer' is {chosen}; set server_optimizer to adam, yogi or adagrad, or remove the key");
        }

        if (optimizer is not (ServerOptimizerKind.Adam or ServerOptimizerKind.Yogi))
        {
            RefuseWithout("fedsharp.server_beta2", c, $"it is the second-moment decay of FedAdam and FedYogi and 'fedsharp.server_optimizer' is {chosen}{(optimizer == ServerOptimizerKind.Adagrad ? " (FedAdagrad sums squares without decay)" : string.Empty)}; set server_optimizer to adam or yogi, or remove the key");
        }
    }

    private void CheckSamplingKeys(JobConfiguration c)
    {
        if (c.FedSharp.ClientSampling != ClientSamplingMode.Random)
        {
            RefuseWithout("fedsharp.sampling_target", c, "it tells a random draw when to happen and 'fedsharp.client_sampling' is first_come, which accepts the first clients at once; set client_sampling: random or remove the key");
        }
        else if (c.FedSharp.SamplingTarget > 0 && c.Round.StartFlJobThreshold >= 1 && c.FedSharp.SamplingTarget < c.Round.StartFlJobThreshold)
        {
            ReportAt(
                "fedsharp.sampling_target",
                $"'fedsharp.sampling_target' is {c.FedSharp.SamplingTarget}, fewer than 'round.start_fl_job_threshold' ({c.Round.StartFlJobThreshold}): the draw could never fill the iteration; set it to at least {c.Round.StartFlJobThreshold} (more over-selects), or 0 to draw at the startFLJob deadline");
        }
    }

    private void RefuseWithout(string path, JobConfiguration c, string reason)
    {
        ConfigurationKey key = ConfigurationSchema.ByPath[path];
        string value = key.Show(c);
        if (!string.Equals(value, key.Show(s_defaults), StringComparison.Ordinal))
        {
            ReportAt(path, $"'{path}' is {value} but has no effect: {reason}");
        }
    }

    private void RequireWhenSsl(string path, string value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            ReportAt(path, $"'{path}' is required when 'enable_ssl' is true; give the path of {what} or set enable_ssl: false");
        }
    }

    private void ReportAt(string path, string message)
    {
        // Point at the key itself, else at the nearest section written in the file.
        string probe = path;
        while (true)
        {
            if (_written.TryGetValue(probe, out var position))
            {
                Report(path, position.Line, position.Column, message);
                return;
            }

            int dot = probe.LastIndexOf('.');
            if (dot < 0)
            {
                Report(path, 0, 0, message);
                return;
            }

            probe = probe[..dot];
        }
    }
}
