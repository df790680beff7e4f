namespace FedSharp.Core.Configuration.Schema;

/// <summary>The keys of robust aggregation and of the simulator's attackers.</summary>
internal static partial class ConfigurationSchema
{
    private static List<ConfigurationKey> RobustAggregationKeys() =>
    [
        new ChoiceKey<RobustAggregationRule>(
            "fedsharp.robust_aggregation",
            [
                ("none", RobustAggregationRule.None), ("median", RobustAggregationRule.Median), ("trimmed_mean", RobustAggregationRule.TrimmedMean),
                ("krum", RobustAggregationRule.Krum), ("multi_krum", RobustAggregationRule.MultiKrum),
            ],
            c => c.FedSharp.RobustAggregation,
            (c, v) => c.FedSharp.RobustAggregation = v),
        new RealKey("fedsharp.trimmed_mean_beta", 0, false, 0.5, false, c => c.FedSharp.TrimmedMeanBeta, (c, v) => c.FedSharp.TrimmedMeanBeta = v),
        Count("fedsharp.krum_byzantine", 0, 1_000_000, c => c.FedSharp.KrumByzantine, (c, v) => c.FedSharp.KrumByzantine = v),
        Count("fedsharp.multi_krum_selected", 0, 1_000_000, c => c.FedSharp.MultiKrumSelected, (c, v) => c.FedSharp.MultiKrumSelected = v),
    ];

    private static List<ConfigurationKey> AttackKeys() =>
    [
        new RealKey("simulation.attackers", 0, true, 1, true, c => c.Simulation.Attackers, (c, v) => c.Simulation.Attackers = v),
        new ChoiceKey<SimulationAttack>(
            "simulation.attack",
            [("none", SimulationAttack.None), ("sign_flip", SimulationAttack.SignFlip)],
            c => c.Simulation.Attack,
            (c, v) => c.Simulation.Attack = v),
        new RealKey("simulation.attack_scale", 0, false, 1_000_000, true, c => c.Simulation.AttackScale, (c, v) => c.Simulation.AttackScale = v),
    ];
}
