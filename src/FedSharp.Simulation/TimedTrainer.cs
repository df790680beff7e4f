using FedSharp.Client.Training;
using FedSharp.Core.Models;

namespace FedSharp.Simulation;

/// <summary>
/// Passes every call to a client's trainer and adds the wall time of its local training to a shared total: the
/// Σ local training time against which the simulation's own overhead is measured.
/// </summary>
internal sealed class TimedTrainer : ITrainer
{
    private readonly ITrainer _inner;
    private readonly TrainingClock _clock;

    /// <summary>Wraps <paramref name="inner"/>; its training time goes to <paramref name="clock"/>.</summary>
    public TimedTrainer(ITrainer inner, TrainingClock clock)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(clock);
        _inner = inner;
        _clock = clock;
    }

    /// <inheritdoc />
    public int DataSize => _inner.DataSize;

    /// <inheritdoc />
    public int EvaluationDataSize => _inner.EvaluationDataSize;

    /// <inheritdoc />
    public int SampleSize => _inner.SampleSize;

    /// <inheritdoc />
    public ModelParameters GetParameters() => _inner.GetParameters();

    /// <inheritdoc />
    public void SetParameters(ModelParameters parameters) => _inner.SetParameters(parameters);

    /// <inheritdoc />
    public IReadOnlyCollection<string> StrategyFields => _inner.StrategyFields;

    /// <inheritdoc />
    public void ContributionCounted(int iteration) => _inner.ContributionCounted(iteration);

    public LocalTrainingResult Train(LocalTrainingPlan plan)
    {
        long start = _clock.Time.GetTimestamp();
        try
        {
            return _inner.Train(plan);
        }
        finally
        {
            _clock.Add(_clock.Time.GetElapsedTime(start));
        }
    }

    /// <inheritdoc />
    public LocalEvaluationResult? Evaluate() => _inner.Evaluate();

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> features, Span<int> destination) => _inner.Predict(features, destination);
}
