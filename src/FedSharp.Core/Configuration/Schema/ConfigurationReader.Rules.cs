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
