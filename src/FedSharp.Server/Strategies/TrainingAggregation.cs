using FedSharp.Core.Models;

namespace FedSharp.Server.Strategies;

/// <summary>The result of <see cref="IStrategy.AggregateTraining"/>: a new model, or the reason there is none.</summary>
public sealed class TrainingAggregation
{
    private TrainingAggregation(ModelParameters? parameters, string? failureReason)
    {
        Parameters = parameters;
        FailureReason = failureReason;
    }

    /// <summary>The next global model; null when aggregation failed.</summary>
    public ModelParameters? Parameters { get; }

    /// <summary>Why aggregation failed; null when it succeeded.</summary>
    public string? FailureReason { get; }

    /// <summary>True when <see cref="Parameters"/> holds the next global model.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Parameters))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(FailureReason))]
    public bool Succeeded => Parameters is not null;

    /// <summary>A successful aggregation.</summary>
    public static TrainingAggregation Success(ModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new TrainingAggregation(parameters, null);
    }

    /// <summary>A failed aggregation; the previous model is kept.</summary>
    public static TrainingAggregation Failure(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new TrainingAggregation(null, reason);
    }
}
