namespace FedSharp.Server.Strategies;

/// <summary>
/// FedAdam (Reddi et al., 2021, Algorithm 2): v ← β₂·v + (1 − β₂)·Δ² (see <see cref="AdaptiveFedOpt"/> for the rest).
/// </summary>
public sealed class FedAdam : AdaptiveFedOpt
{
    private readonly double _beta2;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁, β₂ and τ.</param>
    public FedAdam(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _beta2 = options.Beta2;
    }

    /// <inheritdoc />
    protected override double NextSecondMoment(double v, double delta) => (_beta2 * v) + ((1 - _beta2) * delta * delta);
}
