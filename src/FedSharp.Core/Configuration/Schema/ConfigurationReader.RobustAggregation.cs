using System.Globalization;
using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration.Schema;

internal sealed partial class ConfigurationReader
{

    // A parameter of a rule that is not chosen would be accepted and ignored; it is refused instead (fail closed). It
    // counts as given when it was written (file or --set), even at its default, or differs from its default.
    private void CheckRobustAggregationRules()
    {
        FedSharpSection f = _target.FedSharp;
        RobustAggregationRule rule = f.RobustAggregation;
        string chosen = ConfigurationSchema.ByPath["fedsharp.robust_aggregation"].Show(_target);
        if (rule != RobustAggregationRule.TrimmedMean && IsGiven("fedsharp.trimmed_mean_beta", f.TrimmedMeanBeta != s_defaults.FedSharp.TrimmedMeanBeta))
        {
            ReportAt("fedsharp.trimmed_mean_beta", $"'fedsharp.trimmed_mean_beta' is given but 'fedsharp.robust_aggregation' is {chosen}; β acts only with trimmed_mean: remove the key or set robust_aggregation: trimmed_mean");
        }

        if (rule is not (RobustAggregationRule.Krum or RobustAggregationRule.MultiKrum) && IsGiven("fedsharp.krum_byzantine", f.KrumByzantine != s_defaults.FedSharp.KrumByzantine))
        {
            ReportAt("fedsharp.krum_byzantine", $"'fedsharp.krum_byzantine' is given but 'fedsharp.robust_aggregation' is {chosen}; f acts only with krum and multi_krum: remove the key or choose one of them");
        }

        if (rule != RobustAggregationRule.MultiKrum && IsGiven("fedsharp.multi_krum_selected", f.MultiKrumSelected != s_defaults.FedSharp.MultiKrumSelected))
        {
            ReportAt("fedsharp.multi_krum_selected", $"'fedsharp.multi_krum_selected' is given but 'fedsharp.robust_aggregation' is {chosen}; m acts only with multi_krum: remove the key or set robust_aggregation: multi_krum");
        }

        if (rule != RobustAggregationRule.None && _target.Aggregation.AggregationType != AggregationType.FedAvg)
        {
            ReportAt("fedsharp.robust_aggregation", $"'fedsharp.robust_aggregation' is {chosen} but 'aggregation.aggregation_type' is {ConfigurationSchema.ByPath["aggregation.aggregation_type"].Show(_target)}; a robust rule replaces FedAvg's weighted mean and is not combined with other aggregation types: use FedAvg or robust_aggregation: none");
        }

        if (_target.FedSharp.RobustAggregation != RobustAggregationRule.None && _target.FedSharp.ServerOptimizer != ServerOptimizerKind.None)
        {
            // The strategy is either a robust rule or a (server-optimized) mean; silently dropping the optimizer would
            // change the training without a word.
            ReportAt("fedsharp.server_optimizer", $"'fedsharp.server_optimizer' is {ConfigurationSchema.ByPath["fedsharp.server_optimizer"].Show(_target)} but 'fedsharp.robust_aggregation' is {chosen}; a server optimizer over a robust rule is not built yet: use server_optimizer: none or robust_aggregation: none");
        }

        // The fewest updates an iteration aggregates is T_update; thresholds that fail there are knowable now.
        if (rule == RobustAggregationRule.None || _target.Round.StartFlJobThreshold < 1 || !(_target.Round.UpdateModelRatio > 0))
        {
            return;
        }

        int n = _target.Round.UpdateModelThreshold;
        string updates = string.Create(CultureInfo.InvariantCulture, $"T_update = ceil(round.start_fl_job_threshold × round.update_model_ratio) = {n}");
        if (rule == RobustAggregationRule.TrimmedMean && Math.Floor(f.TrimmedMeanBeta * n) < 1)
        {
            ReportAt(
                "fedsharp.trimmed_mean_beta",
                string.Create(CultureInfo.InvariantCulture, $"'fedsharp.trimmed_mean_beta' is {f.TrimmedMeanBeta}; with {updates} it cuts ⌊β·n⌋ = 0 values, so trimmed_mean would be a plain mean: raise β to at least 1/{n} or raise the threshold"));
        }

        if (rule is RobustAggregationRule.Krum or RobustAggregationRule.MultiKrum)
        {
            int byzantine = f.KrumByzantine;
            int minimum = (2 * byzantine) + 3;
            if (n < minimum)
            {
                ReportAt(
                    "fedsharp.krum_byzantine",
                    $"'fedsharp.krum_byzantine' is {byzantine}; {chosen} with f = {byzantine} needs at least 2f + 3 = {minimum} updates per iteration (Blanchard et al. 2017: n > 2f + 2), but {updates}: lower f to at most {Math.Max(0, (n - 3) / 2)} or raise round.start_fl_job_threshold");
            }
            else if (rule == RobustAggregationRule.MultiKrum && f.MultiKrumSelected > n - byzantine)
            {
                ReportAt(
                    "fedsharp.multi_krum_selected",
                    $"'fedsharp.multi_krum_selected' is {f.MultiKrumSelected}; with f = {byzantine} and {updates}, at most n − f = {n - byzantine} updates can be honest: lower m (0 means n − f) or raise the threshold");
            }
        }
    }

    private void CheckAttackRules()
    {
        SimulationSection s = _target.Simulation;
        bool attacks = s.Attack != SimulationAttack.None;
        if (attacks && !(s.Attackers > 0))
        {
            ReportAt("simulation.attack", $"'simulation.attack' is {ConfigurationSchema.ByPath["simulation.attack"].Show(_target)} but 'simulation.attackers' is 0, so nobody would attack: set simulation.attackers to a fraction of the clients, e.g. 0.2, or attack: none");
        }
        else if (!attacks && s.Attackers > 0)
        {
            ReportAt("simulation.attackers", string.Create(CultureInfo.InvariantCulture, $"'simulation.attackers' is {s.Attackers} but 'simulation.attack' is none, so the attackers would be honest: choose simulation.attack: sign_flip or remove the key"));
        }
        else if (attacks && s.Clients >= 1 && s.AttackerCount < 1)
        {
            ReportAt("simulation.attackers", string.Create(CultureInfo.InvariantCulture, $"'simulation.attackers' is {s.Attackers}, which is ⌊{s.Attackers} × {s.Clients}⌋ = 0 of the {s.Clients} clients: raise it to at least 1/{s.Clients}"));
        }

        if (s.Attack != SimulationAttack.SignFlip && IsGiven("simulation.attack_scale", s.AttackScale != s_defaults.Simulation.AttackScale))
        {
            ReportAt("simulation.attack_scale", $"'simulation.attack_scale' is given but 'simulation.attack' is {ConfigurationSchema.ByPath["simulation.attack"].Show(_target)}; the scale acts only with sign_flip: remove the key or set attack: sign_flip");
        }
    }

    private bool IsGiven(string path, bool differsFromDefault) => differsFromDefault || _target.KeySources.ContainsKey(path);
}
