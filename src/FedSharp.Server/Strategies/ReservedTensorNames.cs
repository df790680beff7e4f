namespace FedSharp.Server.Strategies;

/// <summary>
/// Names of the tensors a strategy appends to an accepted update so that the update store sums them with the weights
/// (<see cref="IStrategy.PrepareForAccumulation"/>): SCAFFOLD's control-variate changes, FedNova's normalizing
/// coefficient. They never travel on the wire and never reach the global model; the prefix keeps them apart from the
/// model's own tensors, whose names are layer names such as <c>conv1.weight</c>.
/// </summary>
public static class ReservedTensorNames
{
    /// <summary>The prefix every appended tensor's name starts with; a model tensor must not use it.</summary>
    public const string Prefix = "fedsharp:";

    /// <summary>SCAFFOLD's Δcᵢ/nᵢ for model tensor <paramref name="tensorName"/>, summed to Σ Δcᵢ by the weighted sum.</summary>
    /// <param name="tensorName">The model tensor's name.</param>
    /// <returns><c>fedsharp:delta_c/{tensorName}</c>.</returns>
    public static string ControlVariateDelta(string tensorName) => $"{Prefix}delta_c/{tensorName}";

    /// <summary>FedNova's aᵢ, one value, summed to Σ nᵢ·aᵢ by the weighted sum.</summary>
    public const string NormalizingCoefficient = Prefix + "normalizing_coefficient";
}
