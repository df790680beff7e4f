using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Data;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Simulation;

/// <summary>
/// The global model's evaluation on the test set, in contiguous parts of <see cref="BatchesPerPart"/> batches. The
/// parts run side by side on the training threads, so the last round's evaluation, which no training overlaps, takes
/// a fraction of the time; earlier rounds' evaluations fill the gaps the clients leave.
/// </summary>
/// <remarks>
/// The parts depend only on the test set and the batch size, never on the number of threads, and are combined in
/// test-set order, so a model gets the same accuracy and bit-identical mean loss whatever the threads and whichever
/// part finishes first.
/// </remarks>
internal sealed class SplitEvaluation
{
    /// <summary>Batches per part: enough work to be worth a model lease, few enough to spread over the threads.</summary>
    public const int BatchesPerPart = 8;

    private readonly ModelPool _models;
    private readonly int _batchSize;

    /// <summary>Splits <paramref name="test"/> once into parts of <see cref="BatchesPerPart"/> batches (the last one shorter).</summary>
    public SplitEvaluation(ModelPool models, LabeledDataset test, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _models = models;
        _batchSize = batchSize;

        int partSize = batchSize * BatchesPerPart;
        int count = Math.Max(1, (test.Count + partSize - 1) / partSize);
        Parts = new LabeledDataset[count];
        for (int i = 0; i < count; i++)
        {
            int from = i * partSize;
            int to = Math.Min(test.Count, from + partSize);
            Parts[i] = count == 1 ? test : test.Subset(Enumerable.Range(from, to - from).ToArray());
        }
    }

    /// <summary>The parts, in test-set order.</summary>
    public LabeledDataset[] Parts { get; }

    /// <summary>
    /// Evaluates <paramref name="model"/> on every part, each a task on <paramref name="scheduler"/>, and combines
    /// them in part order: correct predictions add up exactly, the mean loss is the parts' losses weighted by their sizes.
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

    /// <summary>One evaluation over all the samples of <paramref name="parts"/>, summed in the given order.</summary>
    public static EvaluationResult Combine(IReadOnlyList<EvaluationResult> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        int count = 0;
        long correct = 0;
        double loss = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            // Accuracy is correct / count of the part, so the product gives back its whole number of correct predictions.
            EvaluationResult part = parts[i];
            count += part.SampleCount;
            correct += (long)Math.Round(part.Accuracy * part.SampleCount);
            loss += part.MeanLoss * part.SampleCount;
        }

        return count == 0 ? new EvaluationResult(0, 0, 0) : new EvaluationResult((double)correct / count, loss / count, count);
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
