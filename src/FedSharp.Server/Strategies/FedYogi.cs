namespace FedSharp.Server.Strategies;

/// <summary>
/// FedYogi (Reddi et al., 2021, Algorithm 2): as <see cref="FedAdam"/> but v ← v − (1 − β₂)·Δ²·sign(v − Δ²), so v
/// grows or shrinks additively towards Δ² instead of decaying multiplicatively; v starts at τ².
/// </summary>
public sealed class FedYogi : AdaptiveFedOpt
{
    private readonly double _beta2;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁, β₂ and τ.</param>
    public FedYogi(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _beta2 = options.Beta2;
    }

    /// <inheritdoc />
    protected override double NextSecondMoment(double v, double delta)
    {
        double square = delta * delta;
        return v - ((1 - _beta2) * square * Math.Sign(v - square));
    }
}
