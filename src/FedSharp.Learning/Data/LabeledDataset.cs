namespace FedSharp.Learning.Data;

/// <summary>
/// A labeled data set held in memory: one contiguous float32 feature buffer (sample-major, each sample laid out
/// by <see cref="SampleShape"/>, e.g. [1, 28, 28] for Fashion-MNIST) and one class label per sample.
/// </summary>
public sealed class LabeledDataset
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly int[] _sampleShape;

    /// <summary>Wraps the given buffers without copying them.</summary>
    /// <param name="features">Sample-major features; its length must be <c>labels.Length × product(sampleShape)</c>.</param>
    /// <param name="labels">Class labels in [0, <paramref name="classCount"/>).</param>
    /// <param name="sampleShape">Shape of one sample, e.g. [1, 28, 28].</param>
    /// <param name="classCount">Number of classes.</param>
    public LabeledDataset(float[] features, int[] labels, int[] sampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        int sampleSize = 1;
        foreach (int d in sampleShape)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(sampleShape));
            sampleSize *= d;
        }

        if ((long)labels.Length * sampleSize != features.Length)
        {
            throw new ArgumentException(
                $"The feature buffer holds {features.Length} values but {labels.Length} samples of shape [{string.Join(", ", sampleShape)}] need {(long)labels.Length * sampleSize}.",
                nameof(features));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside [0, {classCount}).", nameof(labels));
            }
        }

        _features = features;
        _labels = labels;
        _sampleShape = (int[])sampleShape.Clone();
        SampleSize = sampleSize;
        ClassCount = classCount;
    }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Number of float32 values in one sample.</summary>
    public int SampleSize { get; }

    /// <summary>Number of classes; labels lie in [0, ClassCount).</summary>
    public int ClassCount { get; }

    /// <summary>Shape of one sample, e.g. [1, 28, 28].</summary>
    public ReadOnlySpan<int> SampleShape => _sampleShape;

    /// <summary>All features, sample-major.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>All labels.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetSample(int index) => _features.AsSpan(index * SampleSize, SampleSize);

    /// <summary>Copies the samples at <paramref name="indices"/>, in that order, into a new data set.</summary>
    public LabeledDataset Subset(ReadOnlySpan<int> indices)
    {
        var features = new float[indices.Length * SampleSize];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {source} at position {i} is outside the data set of {Count} samples.");
            }

            GetSample(source).CopyTo(features.AsSpan(i * SampleSize, SampleSize));
            labels[i] = _labels[source];
        }

        return new LabeledDataset(features, labels, _sampleShape, ClassCount);
    }
}
