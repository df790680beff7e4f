namespace FedSharp.Server.Strategies;

/// <summary>
/// What <see cref="FedAdam"/>, <see cref="FedYogi"/> and <see cref="FedAdagrad"/> share (Reddi et al., 2021,
/// Algorithm 2): with Δ = mean − x, m ← β₁·m + (1 − β₁)·Δ, then the rule's own v update, then x ← x + η·m / (√v + τ);
/// m starts at 0 and v at τ², without bias correction, as in the paper.
/// </summary>
public abstract class AdaptiveFedOpt : FedOpt
{
    private static readonly string[] s_stateNames = ["m", "v"];
    private readonly double _beta1;
    private readonly double _tau;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁, τ, and β₂ for the rules that use it.</param>
    protected AdaptiveFedOpt(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_beta1, _tau) = (options.Beta1, options.Tau);
    }

    /// <inheritdoc />
    protected sealed override IReadOnlyList<string> StateNames => s_stateNames;

    // Reddi et al. require v₋₁ ≥ τ²; starting exactly there keeps the first step η·(1 − β₁)·Δ / (√v₀ + τ) bounded.

    /// <inheritdoc />
    protected sealed override float InitialValue(int stateIndex) => stateIndex == 1 ? (float)(_tau * _tau) : 0f;

    /// <summary>The rule's second moment after a step with pseudo-gradient <paramref name="delta"/>, from <paramref name="v"/>.</summary>
    protected abstract double NextSecondMoment(double v, double delta);

    /// <inheritdoc />
    protected sealed override void Step(ReadOnlySpan<float> global, Span<float> next, float[][] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Span<float> m = state[0].AsSpan(0, global.Length);
        Span<float> v = state[1].AsSpan(0, global.Length);
        for (int i = 0; i < global.Length; i++)
        {
            double delta = (double)next[i] - global[i];
            m[i] = (float)((_beta1 * m[i]) + ((1 - _beta1) * delta));
            v[i] = (float)NextSecondMoment(v[i], delta);

            // All three updates keep v ≥ 0 (Yogi subtracts only while v > Δ²); the clamp keeps a damaged restored
            // state from turning √v into NaN.
            next[i] = (float)(global[i] + (LearningRate * m[i] / (Math.Sqrt(Math.Max(v[i], 0f)) + _tau)));
        }
    }
}
