using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Data;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Simulation;

/// <summary>
/// The global model's evaluation on the test set, in one contiguous part per training thread. The parts run side by
/// side, so the last round's evaluation, which no training overlaps, takes a fraction of the time; earlier rounds'
/// evaluations fill the gaps the clients leave.
/// </summary>
internal sealed class SplitEvaluation
{
    private readonly ModelPool _models;
    private readonly int _batchSize;

    /// <summary>Splits <paramref name="test"/> once into at most <paramref name="threads"/> parts of near-equal size.</summary>
    public SplitEvaluation(ModelPool models, LabeledDataset test, int threads, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _models = models;
        _batchSize = batchSize;

        // A part smaller than a batch would cost a model lease for little work.
        int count = Math.Clamp(test.Count / batchSize, 1, threads);
        Parts = new LabeledDataset[count];
        for (int i = 0; i < count; i++)
        {
            int from = (int)((long)test.Count * i / count);
            int to = (int)((long)test.Count * (i + 1) / count);
            Parts[i] = count == 1 ? test : test.Subset(Enumerable.Range(from, to - from).ToArray());
        }
    }

    /// <summary>The parts, in test-set order.</summary>
    public LabeledDataset[] Parts { get; }

    /// <summary>
    /// Evaluates <paramref name="model"/> on every part, each a task on <paramref name="scheduler"/>, and combines
    /// them: correct predictions add up exactly, the mean loss is the parts' losses weighted by their sizes.
    /// </summary>
    public async Task<EvaluationResult> EvaluateAsync(ModelParameters model, TaskScheduler scheduler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scheduler);
        var evaluations = new Task<EvaluationResult>[Parts.Length];
        for (int i = 0; i < evaluations.Length; i++)
        {
            LabeledDataset part = Parts[i];
            evaluations[i] = Task.Factory.StartNew(() => Evaluate(model, part), cancellationToken, TaskCreationOptions.DenyChildAttach, scheduler);
        }

        return Combine(await Task.WhenAll(evaluations));
    }

    /// <summary>One evaluation over all the samples of <paramref name="parts"/>.</summary>
    public static EvaluationResult Combine(IReadOnlyCollection<EvaluationResult> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        int count = parts.Sum(r => r.SampleCount);
        if (count == 0)
        {
            return new EvaluationResult(0, 0, 0);
        }

        // Accuracy is correct / count of the part, so the product gives back its whole number of correct predictions.
        long correct = parts.Sum(r => (long)Math.Round(r.Accuracy * r.SampleCount));
        double loss = parts.Sum(r => r.MeanLoss * r.SampleCount);
        return new EvaluationResult((double)correct / count, loss / count, count);
    }

    private EvaluationResult Evaluate(ModelParameters model, LabeledDataset part)
    {
        using ModelLease lease = _models.Rent();
        lease.Model.ImportParameters(ModelParametersConversion.ToNamedTensors(model));

        // Evaluation never steps the optimizer; the trainer needs one to exist.
        var trainer = new Trainer(lease.Model, new Sgd(lease.Model.Parameters, new SgdOptions()), _batchSize);
        return trainer.Evaluate(part);
    }
}
