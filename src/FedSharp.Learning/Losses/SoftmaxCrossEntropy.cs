using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Losses;

/// <summary>
/// Softmax followed by the negative log-likelihood of the true class, averaged over the batch: PyTorch's
/// <c>nn.CrossEntropyLoss()</c> on logits.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Returns the mean loss over the batch and writes d(mean loss)/d(logits) = (softmax − one-hot)/batch.
    /// </summary>
    /// <remarks>
    /// Stable for any logits: each row is shifted by its maximum before exponentiation, and the loss is taken as
    /// log Σ exp(z − max) − (z_label − max), which never evaluates log(0).
    /// </remarks>
    /// <param name="logits">batch × <paramref name="classCount"/> scores, row-major.</param>
    /// <param name="labels">One class index per row, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes (columns).</param>
    /// <param name="logitsGradient">batch × <paramref name="classCount"/> destination for the gradient.</param>
    public static float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classCount, Span<float> logitsGradient)
    {
        int batchSize = Validate(logits, labels, classCount);
        if (logitsGradient.Length < batchSize * classCount)
        {
            throw new ArgumentException($"The gradient span holds {logitsGradient.Length} values but {batchSize} rows of {classCount} classes need {batchSize * classCount}.", nameof(logitsGradient));
        }

        double total = 0;
        float inverseBatch = 1f / batchSize;
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> row = logits.Slice(b * classCount, classCount);
            Span<float> gradient = logitsGradient.Slice(b * classCount, classCount);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, gradient);
            TensorPrimitives.Exp(gradient, gradient);
            float sum = TensorPrimitives.Sum(gradient);
            total += Math.Log(sum) - (row[labels[b]] - max);
            TensorPrimitives.Multiply(gradient, inverseBatch / sum, gradient);
            gradient[labels[b]] -= inverseBatch;
        }

        return (float)(total / batchSize);
    }

    /// <summary>
    /// Returns the summed (not averaged) loss of the batch and counts the rows whose largest logit is the label;
    /// evaluation adds these up over batches of different sizes.
    /// </summary>
    /// <param name="logits">batch × <paramref name="classCount"/> scores, row-major.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="correct">Rows whose arg-max equals the label; ties go to the lowest index.</param>
    public static double Evaluate(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classCount, out int correct)
    {
        int batchSize = Validate(logits, labels, classCount);
        double total = 0;
        correct = 0;
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> row = logits.Slice(b * classCount, classCount);
            float max = TensorPrimitives.Max(row);
            double sum = 0;
            foreach (float z in row)
            {
                sum += Math.Exp(z - max);
            }

            total += Math.Log(sum) - (row[labels[b]] - max);
            if (TensorPrimitives.IndexOfMax(row) == labels[b])
            {
                correct++;
            }
        }

        return total;
    }

    private static int Validate(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        int batchSize = labels.Length;
        if (batchSize == 0)
        {
            throw new ArgumentException("The batch is empty; the mean loss of no samples is undefined.", nameof(labels));
        }

        if (logits.Length < batchSize * classCount)
        {
            throw new ArgumentException($"The logits hold {logits.Length} values but {batchSize} labels of {classCount} classes need {batchSize * classCount}.", nameof(logits));
        }

        for (int b = 0; b < batchSize; b++)
        {
            if ((uint)labels[b] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"Label {labels[b]} of row {b} is outside [0, {classCount}); the model has {classCount} outputs.");
            }
        }

        return batchSize;
    }
}
