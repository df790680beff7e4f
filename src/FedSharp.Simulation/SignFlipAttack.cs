using FedSharp.Client;
using FedSharp.Core.Models;

namespace FedSharp.Simulation;

/// <summary>
/// A Byzantine client of the robustness experiments (<c>simulation.attack: sign_flip</c>): it trains honestly, then
/// uploads w_global − s·(w_trained − w_global), its own step reversed and scaled by s. With s = 10 and one attacker in
/// five, FedAvg's mean moves against the honest clients' direction, which is what robust aggregators must resist.
/// </summary>
public sealed class SignFlipAttack : IUpdateHook
{
    /// <summary>Creates the attack.</summary>
    /// <param name="scale">s, the factor on the reversed step; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive and finite.</exception>
    public SignFlipAttack(float scale)
    {
        if (!(scale > 0) || !float.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The attack scale s must be positive and finite (simulation.attack_scale).");
        }

        Scale = scale;
    }

    /// <summary>s, the factor on the reversed step.</summary>
    public float Scale { get; }

    /// <inheritdoc />
    public void BeforeUpload(UploadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        for (int t = 0; t < context.Update.Count; t++)
        {
            float[] update = context.Update[t].Values;
            float[] global = context.GlobalModel[t].Values;
            for (int i = 0; i < update.Length; i++)
            {
                update[i] = global[i] - (Scale * (update[i] - global[i]));
            }
        }
    }
}
