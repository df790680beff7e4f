using FedSharp.Learning.Data;
using FedSharp.Learning.Losses;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Training;

/// <summary>
/// Trains, evaluates and runs a classifier on one thread. Batch buffers are allocated once for
/// <see cref="BatchSize"/>; a last partial batch runs inside the same buffers, so no training step allocates.
/// </summary>
public sealed class Trainer
{
    private readonly Sequential _model;
    private readonly IOptimizer _optimizer;
    private readonly Tensor _input;
    private readonly int[] _labels;
    private readonly Tensor _logitsGradient;
    private readonly int _classCount;
    private int[] _order = [];

    /// <summary>Reserves the model's buffers for <paramref name="batchSize"/> samples.</summary>
    /// <param name="model">A classifier whose output is one logit per class.</param>
    /// <param name="optimizer">An optimizer over <paramref name="model"/>'s parameters.</param>
    /// <param name="batchSize">Samples per training step, at least 1; evaluation and prediction use the same buffers.</param>
    public Trainer(Sequential model, IOptimizer optimizer, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (model.OutputShape.Length != 1)
        {
            throw new ArgumentException($"The model's output sample has shape [{string.Join(", ", model.OutputShape.ToArray())}] but a classifier must end in one logit per class; end it with a Linear layer.", nameof(model));
        }

        _model = model;
        _optimizer = optimizer;
        BatchSize = batchSize;
        _classCount = model.OutputSize;
        model.Reserve(batchSize);
        int[] inputShape = new int[model.InputShape.Length + 1];
        inputShape[0] = batchSize;
        model.InputShape.CopyTo(inputShape.AsSpan(1));
        _input = new Tensor(inputShape);
        _labels = new int[batchSize];
        _logitsGradient = new Tensor(batchSize, _classCount);
    }

    /// <summary>The model being trained.</summary>
    public Sequential Model => _model;

    /// <summary>Samples per training step.</summary>
    public int BatchSize { get; }

    /// <summary>One optimizer step on the given samples; returns their mean loss.</summary>
    /// <param name="features">labels.Length samples of the model's input shape, sample-major.</param>
    /// <param name="labels">From 1 to <see cref="BatchSize"/> labels in [0, class count).</param>
    public float TrainBatch(ReadOnlySpan<float> features, ReadOnlySpan<int> labels)
    {
        int count = CheckBatch(features, labels);
        features[..(count * _model.InputSize)].CopyTo(_input.Span);
        labels.CopyTo(_labels);
        return Step(count);
    }

    /// <summary>
    /// One pass over <paramref name="data"/> in an order shuffled by <paramref name="random"/>, one optimizer step
    /// per batch; the last batch holds the remainder.
    /// </summary>
    public EpochResult TrainEpoch(LabeledDataset data, Random random)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        CheckDataset(data);
        int count = data.Count;
        if (_order.Length != count)
        {
            _order = new int[count];
        }

        for (int i = 0; i < count; i++)
        {
            _order[i] = i;
        }

        // Fisher–Yates from the back, one draw per position, so a seed fixes the whole order.
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }

        double lossSum = 0;
        int sampleSize = _model.InputSize;
        ReadOnlySpan<int> labels = data.Labels;
        for (int start = 0; start < count; start += BatchSize)
        {
            int batch = Math.Min(BatchSize, count - start);
            Span<float> input = _input.Span;
            for (int i = 0; i < batch; i++)
            {
                int index = _order[start + i];
                data.GetSample(index).CopyTo(input.Slice(i * sampleSize, sampleSize));
                _labels[i] = labels[index];
            }

            lossSum += (double)Step(batch) * batch;
        }

        return new EpochResult(count == 0 ? 0 : lossSum / count, count);
    }

    /// <summary>Accuracy and mean loss of the model on <paramref name="data"/>, forward only, in data-set order.</summary>
    public EvaluationResult Evaluate(LabeledDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckDataset(data);
        int count = data.Count;
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < count; start += BatchSize)
        {
            int batch = Math.Min(BatchSize, count - start);
            ReadOnlySpan<float> features = data.Features.Slice(start * _model.InputSize, batch * _model.InputSize);
            features.CopyTo(_input.Span);
            Tensor logits = _model.Forward(_input, batch, training: false);
            lossSum += SoftmaxCrossEntropy.Evaluate(
                logits.ReadOnlySpan[..(batch * _classCount)], data.Labels.Slice(start, batch), _classCount, out int batchCorrect);
            correct += batchCorrect;
        }

        return count == 0 ? new EvaluationResult(0, 0, 0) : new EvaluationResult((double)correct / count, lossSum / count, count);
    }

    /// <summary>Writes the most likely class of each sample (the arg-max logit, lowest index on ties).</summary>
    /// <param name="features">destination.Length samples of the model's input shape, sample-major.</param>
    /// <param name="destination">One predicted class per sample.</param>
    public void Predict(ReadOnlySpan<float> features, Span<int> destination)
    {
        int sampleSize = _model.InputSize;
        if (features.Length != (long)destination.Length * sampleSize)
        {
            throw new ArgumentException($"The features hold {features.Length} values but {destination.Length} samples of {sampleSize} values need {(long)destination.Length * sampleSize}.", nameof(features));
        }

        for (int start = 0; start < destination.Length; start += BatchSize)
        {
            int batch = Math.Min(BatchSize, destination.Length - start);
            features.Slice(start * sampleSize, batch * sampleSize).CopyTo(_input.Span);
            ReadOnlySpan<float> logits = _model.Forward(_input, batch, training: false).ReadOnlySpan;
            for (int i = 0; i < batch; i++)
            {
                destination[start + i] = TensorPrimitives.IndexOfMax(logits.Slice(i * _classCount, _classCount));
            }
        }
    }

    private float Step(int batch)
    {
        Tensor logits = _model.Forward(_input, batch, training: true);
        float loss = SoftmaxCrossEntropy.Compute(
            logits.ReadOnlySpan[..(batch * _classCount)], _labels.AsSpan(0, batch), _classCount, _logitsGradient.Span);
        _model.Backward(_logitsGradient, batch);
        _optimizer.Step();
        return loss;
    }

    private int CheckBatch(ReadOnlySpan<float> features, ReadOnlySpan<int> labels)
    {
        int count = labels.Length;
        if (count < 1 || count > BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(labels), $"A training batch of {count} samples is outside [1, {BatchSize}]; split it or create the trainer with a larger batch size.");
        }

        if (features.Length != count * _model.InputSize)
        {
            throw new ArgumentException($"The features hold {features.Length} values but {count} samples of {_model.InputSize} values need {count * _model.InputSize}.", nameof(features));
        }

        return count;
    }

    private void CheckDataset(LabeledDataset data)
    {
        if (!data.SampleShape.SequenceEqual(_model.InputShape))
        {
            throw new ArgumentException(
                $"The data set's samples have shape [{string.Join(", ", data.SampleShape.ToArray())}] but the model expects [{string.Join(", ", _model.InputShape.ToArray())}]; pick the model built for this data set.",
                nameof(data));
        }

        if (data.ClassCount > _classCount)
        {
            throw new ArgumentException($"The data set has {data.ClassCount} classes but the model has {_classCount} outputs; pick a model with at least {data.ClassCount}.", nameof(data));
        }
    }
}
