namespace FedSharp.Server.Strategies;

/// <summary>
/// FedAdagrad (Reddi et al., 2021, Algorithm 2): as <see cref="FedAdam"/> but v ← v + Δ², the sum of every squared
/// pseudo-gradient since v started at τ² (no β₂).
/// </summary>
public sealed class FedAdagrad : AdaptiveFedOpt
{
    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁ and τ.</param>
    public FedAdagrad(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
    }

    /// <inheritdoc />
    protected override double NextSecondMoment(double v, double delta) => v + (delta * delta);
}
