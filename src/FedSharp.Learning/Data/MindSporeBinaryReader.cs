using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FedSharp.Learning.Data;

/// <summary>
/// Reads MindSpore Federated's per-client binary files, as its cross-device LeNet/FEMNIST example feeds them to
/// each simulated device (e.g. <c>3500_clients_bin/f0178_39/f0178_39_bn_9_train_data.bin</c> and
/// <c>..._train_label.bin</c>).
/// </summary>
/// <remarks>
/// What was found (mindspore-ai/federated): the client API docs (<c>interface_description_federated_client.md</c>)
/// pass one <c>*_data.bin</c> and one <c>*_label.bin</c> per user; the repository's unit-test data generator
/// (<c>gen_data_for_lenet</c>) writes them with numpy's <c>tofile</c> as
/// <c>np.random.random((512, 32, 32, 3)).astype(np.float32)</c> and
/// <c>np.random.random_integers(0, 61, 512).astype(np.int32)</c>. So both files are headerless, little-endian
/// (numpy's native order on x86/ARM) raw arrays: float32 features laid out [N, 32, 32, 3] (NHWC) and one int32
/// label per sample in [0, 62). The sample count is implied by the file lengths. Features are returned as stored;
/// the layout stays NHWC, so a model that wants [3, 32, 32] must transpose.
/// </remarks>
public static class MindSporeBinaryReader
{
    /// <summary>The LeNet/FEMNIST example's sample shape: 32×32 images with 3 channels, NHWC.</summary>
    public static IReadOnlyList<int> LeNetSampleShape { get; } = [32, 32, 3];

    /// <summary>The LeNet/FEMNIST example's class count (FEMNIST's 62 characters).</summary>
    public const int LeNetClassCount = 62;

    /// <summary>Reads one client's files with the LeNet/FEMNIST example's shape [32, 32, 3] and 62 classes.</summary>
    /// <exception cref="DatasetFormatException">A file is missing, its length is not a whole number of samples, the counts differ, or a label is out of range.</exception>
    public static LabeledDataset ReadLeNet(string dataPath, string labelPath) =>
        Read(dataPath, labelPath, [.. LeNetSampleShape], LeNetClassCount);

    /// <summary>Reads one client's <c>data.bin</c> (float32, sample-major) and <c>label.bin</c> (int32).</summary>
    /// <param name="dataPath">The raw float32 feature file.</param>
    /// <param name="labelPath">The raw int32 label file.</param>
    /// <param name="sampleShape">The shape of one sample as stored, e.g. [32, 32, 3].</param>
    /// <param name="classCount">Number of classes; every label must lie in [0, classCount).</param>
    /// <exception cref="DatasetFormatException">A file is missing, its length is not a whole number of samples, the counts differ, or a label is out of range.</exception>
    public static LabeledDataset Read(string dataPath, string labelPath, int[] sampleShape, int classCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        ArgumentException.ThrowIfNullOrEmpty(labelPath);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        long sampleSize = 1;
        foreach (int dimension in sampleShape)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1, nameof(sampleShape));
            sampleSize *= dimension;
        }

        byte[] dataBytes = ReadAll(dataPath);
        byte[] labelBytes = ReadAll(labelPath);
        long sampleBytes = sampleSize * sizeof(float);
        if (dataBytes.Length % sampleBytes != 0)
        {
            throw new DatasetFormatException(
                $"'{dataPath}' holds {dataBytes.Length} bytes, not a whole number of float32 samples of shape [{string.Join(", ", sampleShape)}] ({sampleBytes} bytes each); the file is truncated or the shape is wrong.",
                dataPath,
                null);
        }

        if (labelBytes.Length % sizeof(int) != 0)
        {
            throw new DatasetFormatException(
                $"'{labelPath}' holds {labelBytes.Length} bytes, not a whole number of int32 labels; the file is truncated or not a label file.",
                labelPath,
                null);
        }

        int count = (int)(dataBytes.Length / sampleBytes);
        if (labelBytes.Length / sizeof(int) != count)
        {
            throw new DatasetFormatException(
                $"'{dataPath}' holds {count} samples but '{labelPath}' holds {labelBytes.Length / sizeof(int)} labels; pass the data and label files of the same client and split.",
                labelPath,
                null);
        }

        var features = new float[count * sampleSize];
        var labels = new int[count];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(dataBytes).CopyTo(features);
            MemoryMarshal.Cast<byte, int>(labelBytes).CopyTo(labels);
        }
        else
        {
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = BinaryPrimitives.ReadSingleLittleEndian(dataBytes.AsSpan(i * sizeof(float)));
            }

            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = BinaryPrimitives.ReadInt32LittleEndian(labelBytes.AsSpan(i * sizeof(int)));
            }
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new DatasetFormatException(
                    $"Label {labels[i]} of sample {i} in '{labelPath}' is outside [0, {classCount}); pass the data set's class count, or check that the file holds int32 labels, not int64 or one-hot floats.",
                    labelPath,
                    null);
            }
        }

        return new LabeledDataset(features, labels, sampleShape, classCount);
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException($"The MindSpore client file '{path}' does not exist; check the client's data directory (e.g. 3500_clients_bin/<user>/).", path, null);
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException($"The MindSpore client file '{path}' could not be read ({ex.Message}); check its permissions.", path, ex);
        }
    }
}
