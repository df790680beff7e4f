namespace FedSharp.Learning.Optimizers;

/// <summary>Hyper-parameters of <see cref="Adam"/>, with PyTorch's meanings and defaults.</summary>
public sealed class AdamOptions
{
    /// <summary>The step size; greater than 0. Default 0.001.</summary>
    public float LearningRate { get; set; } = 0.001f;

    /// <summary>β₁, the decay of the first-moment estimate, in [0, 1). Default 0.9.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>β₂, the decay of the second-moment estimate, in [0, 1). Default 0.999.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>ε added to the denominator for stability; greater than 0. Default 1e-8.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>The L2 penalty λ ≥ 0, added to the gradient as λ·θ (not decoupled as in AdamW). Default 0.</summary>
    public float WeightDecay { get; set; }

    /// <summary>Throws, naming the option and its valid range, when a value is out of range.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"Adam learning rate {LearningRate} must be a finite number greater than 0.");
        }

        if (!(Beta1 >= 0f && Beta1 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta1), $"Adam beta1 {Beta1} must lie in [0, 1).");
        }

        if (!(Beta2 >= 0f && Beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta2), $"Adam beta2 {Beta2} must lie in [0, 1).");
        }

        if (!(Epsilon > 0f) || !float.IsFinite(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), $"Adam epsilon {Epsilon} must be a finite number greater than 0.");
        }

        if (!(WeightDecay >= 0f) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), $"Adam weight decay {WeightDecay} must be a finite number at least 0.");
        }
    }
}
