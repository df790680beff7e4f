namespace FedSharp.Core.Configuration;

/// <summary>The <c>encrypt.laplace_eval</c> section.</summary>
public sealed class LaplaceEvalSection
{
    /// <summary><c>encrypt.laplace_eval.laplace_eval_eps</c>: ε of the Laplace noise on evaluation outputs, in (0, 500000]. Default 100.</summary>
    public double LaplaceEvalEps { get; set; } = 100;
}
