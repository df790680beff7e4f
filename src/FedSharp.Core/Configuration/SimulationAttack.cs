namespace FedSharp.Core.Configuration;

/// <summary>What the simulated attackers do to their updates (<c>simulation.attack</c>).</summary>
public enum SimulationAttack
{
    /// <summary><c>none</c>: every client is honest.</summary>
    None,

    /// <summary>
    /// <c>sign_flip</c>: an attacker trains honestly, then uploads w_global − s·(w_trained − w_global): its step reversed
    /// and scaled by s (<c>simulation.attack_scale</c>).
    /// </summary>
    SignFlip,
}
