namespace FedSharp.Server.Strategies;

/// <summary>
/// Hyper-parameters of the server optimizers (<see cref="FedAvgM"/>, <see cref="FedAdam"/>, <see cref="FedYogi"/>,
/// <see cref="FedAdagrad"/>), the <c>fedsharp.server_*</c> keys. Each optimizer reads only its own; the configuration
/// loader refuses the others when they are set.
/// </summary>
public sealed class ServerOptimizerOptions
{
    /// <summary>The server step size η, finite and greater than 0 (<c>fedsharp.server_learning_rate</c>). Default 1.</summary>
    public double LearningRate { get; set; } = 1.0;

    /// <summary>FedAvgM's momentum β in [0, 1) (<c>fedsharp.server_momentum</c>). Default 0.9.</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>FedOpt's first-moment decay β₁ in [0, 1) (<c>fedsharp.server_beta1</c>). Default 0.9.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>FedAdam's and FedYogi's second-moment decay β₂ in [0, 1) (<c>fedsharp.server_beta2</c>). Default 0.99.</summary>
    public double Beta2 { get; set; } = 0.99;

    /// <summary>FedOpt's adaptivity τ, finite and greater than 0 (<c>fedsharp.server_tau</c>); v starts at τ². Default 0.001.</summary>
    public double Tau { get; set; } = 1e-3;

    /// <summary>Throws, naming the option, its value and its range, when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"The server learning rate is {LearningRate}; it must be finite and greater than 0 (fedsharp.server_learning_rate).");
        }

        CheckDecay(nameof(Momentum), Momentum, "fedsharp.server_momentum");
        CheckDecay(nameof(Beta1), Beta1, "fedsharp.server_beta1");
        CheckDecay(nameof(Beta2), Beta2, "fedsharp.server_beta2");
        if (!(Tau > 0) || !double.IsFinite(Tau))
        {
            throw new ArgumentOutOfRangeException(nameof(Tau), Tau, $"The server adaptivity τ is {Tau}; it must be finite and greater than 0 (fedsharp.server_tau).");
        }
    }

    private static void CheckDecay(string name, double value, string key)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The server's {name} is {value}; it must lie in [0, 1) ({key}).");
        }
    }
}
