using FedSharp.Core.Models;
using FedSharp.Core.Protocol;

namespace FedSharp.Client;

public sealed partial class FederatedJob
{
    // The device's half of failing closed: a plan that asks for masking, noise, compression, another aggregation rule
    // or another training mode is refused rather than answered with a plain FedAvg upload, which would leave the
    // update unprotected, or train for a rule the device does not follow. Each refusal goes when the SDK builds it.
    private FederatedJobException? RefusePlan(int iteration, FLPlan plan, StartFLJobResponse start)
    {
        string? refused = (plan.Cipher?.EncryptType ?? EncryptType.NotEncrypt) switch
        {
            EncryptType.NotEncrypt => null,
            EncryptType.DpEncrypt => "encrypt_type DP_ENCRYPT (differential privacy), which this client does not build; it will not upload its update without noise",
            EncryptType.Signds => "encrypt_type SIGNDS, which this client does not build; it will not upload its update in the clear",
            EncryptType other => $"encrypt_type {other} (secure aggregation), which this client does not build; it will not upload its update unmasked",
        };
        refused ??= (plan.Aggregation?.Type ?? AggregationType.FedAvg) switch
        {
            AggregationType.FedAvg => null,
            AggregationType.FedProx => RefuseFedProx(plan),
            AggregationType.Scaffold => RefuseStrategy(plan, "Scaffold", StrategyFieldNames.ControlVariate, "control-variate correction", s => s.Tensors.Any(t => t.Name.StartsWith(StrategyFieldNames.ControlVariate + "/", StringComparison.Ordinal))),
            AggregationType.FedNova => RefuseStrategy(plan, "FedNova", StrategyFieldNames.ReportLocalSteps, "report of local steps and normalizing coefficient", s => s.Scalars.ContainsKey(StrategyFieldNames.ReportLocalSteps)),
            AggregationType other => $"aggregation {other}, whose local training this client does not build (it trains for FedAvg, FedProx, Scaffold and FedNova only)",
        };
        refused ??= plan.ServerMode is ServerMode.HybridTraining or ServerMode.CloudTraining
            ? $"server_mode {plan.ServerMode}, which this client does not build (it runs cross-device FEDERATED_LEARNING rounds)"
            : null;
        refused ??= UnclaimedStrategyFields(plan) is { Count: > 0 } unclaimed
            ? $"strategy field(s) {string.Join(", ", unclaimed.Select(n => $"'{n}'"))}, which neither this client's trainer nor its update hooks act on"
            : null;
        refused ??= start.UploadCompressType != CompressType.NoCompress
            ? $"upload_compress_type {start.UploadCompressType}, which this client does not encode"
            : null;
        return refused is null
            ? null
            : new FederatedJobException(
                RoundPaths.StartFLJob,
                iteration,
                null,
                $"Client '{_options.ClientId}' stopped in iteration {iteration}: job '{plan.FlName}' asks for {refused}. Run the job with a configuration this FedSharp release supports, or a client that builds the feature.");
    }

    // FedProx trains differently from FedAvg only through μ, so the plan must carry it and the trainer must claim it;
    // otherwise the device would train plain FedAvg under a FedProx label.
    private string? RefuseFedProx(FLPlan plan)
    {
        if (!_trainer.StrategyFields.Contains(StrategyFieldNames.ProximalMu))
        {
            return $"aggregation FedProx, whose proximal term this client's trainer ({_trainer.GetType().Name}) does not add (it does not claim the strategy field '{StrategyFieldNames.ProximalMu}')";
        }

        return plan.Strategy?.Scalars.ContainsKey(StrategyFieldNames.ProximalMu) == true
            ? null
            : $"aggregation FedProx without the strategy field '{StrategyFieldNames.ProximalMu}' (μ), so it cannot add the proximal term";
    }

    // SCAFFOLD and FedNova, like FedProx, change what a device trains or reports only through their plan field, so the
    // plan must carry it and the trainer must claim it; otherwise the server would average a plain FedAvg upload.
    private string? RefuseStrategy(FLPlan plan, string aggregation, string field, string what, Func<StrategyConfig, bool> carries)
    {
        if (!_trainer.StrategyFields.Contains(field))
        {
            return $"aggregation {aggregation}, whose {what} this client's trainer ({_trainer.GetType().Name}) does not build (it does not claim the strategy field '{field}')";
        }

        return plan.Strategy is { } strategy && carries(strategy)
            ? null
            : $"aggregation {aggregation} without the strategy field '{field}', so it cannot train for it";
    }

    // A scalar is named as it is; a tensor by its name's part before the first '/' ("c/fc.weight" is field "c").
    private List<string> UnclaimedStrategyFields(FLPlan plan)
    {
        if (plan.Strategy is not { } strategy)
        {
            return [];
        }

        var claimed = new HashSet<string>(_trainer.StrategyFields, StringComparer.Ordinal);
        foreach (IUpdateHook hook in _options.UpdateHooks)
        {
            claimed.UnionWith(hook.StrategyFields);
        }

        return [.. strategy.Scalars.Keys
            .Concat(strategy.Tensors.Select(t => t.Name.Split('/')[0]))
            .Distinct(StringComparer.Ordinal)
            .Where(name => !claimed.Contains(name))
            .Order(StringComparer.Ordinal)];
    }

    private StrategyParameters DecodeStrategy(int iteration, FLPlan plan)
    {
        try
        {
            return StrategyParameters.FromMessage(plan.Strategy);
        }
        catch (InvalidDataException ex)
        {
            throw Malformed(RoundPaths.StartFLJob, iteration, ex.Message);
        }
    }
}
