using FedSharp.Core.Configuration;

namespace FedSharp.Simulation;

/// <summary>The simulated attackers of <c>simulation.attackers</c>, <c>simulation.attack</c> and <c>simulation.attack_scale</c>.</summary>
public sealed partial class SimulationOptions
{
    /// <summary><c>simulation.attack</c>: what the attackers do; none when every client is honest.</summary>
    public SimulationAttack Attack => Configuration.Simulation.Attack;

    /// <summary><c>simulation.attack_scale</c>: s of the sign-flip attack.</summary>
    public float AttackScale => (float)Configuration.Simulation.AttackScale;

    /// <summary>
    /// Indices of the attacking clients, ascending: ⌊<c>simulation.attackers</c> × clients⌋ of them, drawn without
    /// replacement by a generator seeded with <c>simulation.seed</c> (its own, so the clients' shuffles do not change);
    /// empty when <c>simulation.attack</c> is none.
    /// </summary>
    public IReadOnlyList<int> AttackerIndices => _attackers ??= DrawAttackers();

    private IReadOnlyList<int>? _attackers;

    /// <summary>The update hooks of client <paramref name="index"/>: the attack for an attacker, none for an honest client.</summary>
    internal IReadOnlyList<Client.IUpdateHook> UpdateHooksFor(int index) =>
        Attack == SimulationAttack.SignFlip && AttackerIndices.Contains(index) ? [new SignFlipAttack(AttackScale)] : [];

    private int[] DrawAttackers()
    {
        if (Attack == SimulationAttack.None)
        {
            return [];
        }

        int[] order = [.. Enumerable.Range(0, ClientCount)];
        new Random(Seed).Shuffle(order);
        int[] chosen = order[..Math.Min(Configuration.Simulation.AttackerCount, ClientCount)];
        Array.Sort(chosen);
        return chosen;
    }

    // Names the attackers while the list stays short enough for a title line.
    private string DescribeAttack() => Attack == SimulationAttack.None
        ? string.Empty
        : FormattableString.Invariant($", {AttackerIndices.Count} of {ClientCount} clients attack (sign_flip, s = {AttackScale})")
            + (AttackerIndices.Count <= 10 ? $": {string.Join(", ", AttackerIndices.Select(FederatedSimulation.ClientId))}" : string.Empty);
}
