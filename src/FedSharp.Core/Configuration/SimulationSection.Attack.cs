namespace FedSharp.Core.Configuration;

/// <summary>The keys of <c>simulation</c> that turn some virtual clients into attackers (docs/robust-aggregation.md).</summary>
public sealed partial class SimulationSection
{
    /// <summary>
    /// <c>simulation.attackers</c>: fraction of the clients that attack, in [0, 1]; ⌊fraction × clients⌋ clients, drawn
    /// with <c>simulation.seed</c>, attack in every round they join. Default 0.
    /// </summary>
    public double Attackers { get; set; }

    /// <summary><c>simulation.attack</c>: <c>none</c> or <c>sign_flip</c>. Default none.</summary>
    public SimulationAttack Attack { get; set; } = SimulationAttack.None;

    /// <summary><c>simulation.attack_scale</c>: s of <c>sign_flip</c>, &gt; 0. Default 10.</summary>
    public double AttackScale { get; set; } = 10;

    /// <summary>⌊<see cref="Attackers"/> × <see cref="Clients"/>⌋, the number of attacking clients.</summary>
    public int AttackerCount => (int)Math.Floor((Attackers * Clients) + 1e-9);
}
