namespace FedSharp.Server.Strategies;

/// <summary>What <see cref="FedAdam"/>, <see cref="FedYogi"/> and <see cref="FedAdagrad"/> share: their two moments and the step x + η·m / (√v + τ).</summary>
internal static class AdaptiveMoments
{
    public static readonly string[] StateNames = ["m", "v"];

    // Reddi et al. require v₋₁ ≥ τ²; starting exactly there keeps the first step η·(1 − β₁)·Δ / (√v₀ + τ) bounded.
    public static float InitialValue(int stateIndex, double tau) => stateIndex == 1 ? (float)(tau * tau) : 0f;

    // All three updates keep v ≥ 0 (Yogi subtracts only while v > Δ²); the clamp keeps a damaged restored state from
    // turning √v into NaN.
    public static float Move(float x, float m, float v, double learningRate, double tau) =>
        (float)(x + (learningRate * m / (Math.Sqrt(Math.Max(v, 0f)) + tau)));
}
