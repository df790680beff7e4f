using FedSharp.Learning.Data;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;

namespace FedSharp.Learning.Training;

/// <summary>
/// Measures training speed on one thread in samples per second: what <c>fedsharp bench train</c> reports and
/// compares with PyTorch.
/// </summary>
public static class TrainingThroughput
{
    /// <summary>
    /// Trains a zoo model with SGD (lr 0.01, momentum 0.9) on seeded synthetic data — uniform [0, 1) pixels, uniform
    /// labels — for about <paramref name="duration"/>.
    /// </summary>
    /// <param name="modelName">One of <see cref="ModelZoo.Names"/>.</param>
    /// <param name="batchSize">Samples per step, at least 1.</param>
    /// <param name="duration">How long to keep training once warmed up; greater than zero.</param>
    /// <param name="time">The clock that times the window, <see cref="TimeProvider.System"/> in production.</param>
    /// <param name="seed">Seeds the model, the data and the shuffling.</param>
    public static ThroughputResult MeasureSynthetic(string modelName, int batchSize, TimeSpan duration, TimeProvider time, int seed = 0)
    {
        Sequential model = ModelZoo.Create(modelName, seed);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var random = new Random(seed);
        int samples = batchSize * 4;
        float[] features = new float[samples * model.InputSize];
        int[] labels = new int[samples];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSingle();
        }

        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(model.OutputSize);
        }

        var data = new LabeledDataset(features, labels, model.InputShape.ToArray(), model.OutputSize);
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f });
        return Measure(model, optimizer, data, batchSize, duration, time);
    }

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="data"/> in full batches, cycling through it in order, for
    /// about <paramref name="duration"/> after one untimed warm-up step, and counts the samples.
    /// </summary>
    /// <param name="model">The model to train; its parameters change.</param>
    /// <param name="optimizer">An optimizer over the model's parameters.</param>
    /// <param name="data">At least <paramref name="batchSize"/> samples.</param>
    /// <param name="batchSize">Samples per step, at least 1.</param>
    /// <param name="duration">How long to keep training once warmed up; greater than zero.</param>
    /// <param name="time">The clock that times the window, <see cref="TimeProvider.System"/> in production.</param>
    public static ThroughputResult Measure(Sequential model, IOptimizer optimizer, LabeledDataset data, int batchSize, TimeSpan duration, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        if (data.Count < batchSize)
        {
            throw new ArgumentException($"The data set holds {data.Count} samples, fewer than one batch of {batchSize}; give at least one full batch.", nameof(data));
        }

        var trainer = new Trainer(model, optimizer, batchSize);
        int batches = data.Count / batchSize;

        // An untimed quarter of the duration (at least one step) pays for first-touch page faults and lets tiered
        // JIT compilation promote the hot loops before the window opens.
        int batch = 0;
        RunFor(trainer, data, batchSize, batches, ref batch, duration / 4, time);
        (long samples, TimeSpan elapsed) = RunFor(trainer, data, batchSize, batches, ref batch, duration, time);
        return new ThroughputResult(samples, elapsed);
    }

    private static (long Samples, TimeSpan Elapsed) RunFor(
        Trainer trainer, LabeledDataset data, int batchSize, int batches, ref int batch, TimeSpan duration, TimeProvider time)
    {
        int sampleSize = data.SampleSize;
        long samples = 0;
        long start = time.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            int first = batch * batchSize;
            trainer.TrainBatch(data.Features.Slice(first * sampleSize, batchSize * sampleSize), data.Labels.Slice(first, batchSize));
            samples += batchSize;
            batch = (batch + 1) % batches;
            elapsed = time.GetElapsedTime(start);
        }
        while (elapsed < duration);

        return (samples, elapsed);
    }
}
