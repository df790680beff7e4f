using System.Buffers.Binary;
using FedSharp.Learning.Data;

namespace FedSharp.Learning.Tests.Data;

public sealed class MindSporeBinaryReaderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ReadLeNet_NumpyToFileLayout_RoundTrips()
    {
        // Arrange: what np.float32(...).tofile / np.int32(...).tofile write: raw little-endian values.
        var random = new Random(8);
        float[] features = Enumerable.Range(0, 5 * 32 * 32 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        int[] labels = [0, 61, 7, 33, 12];
        (string data, string label) = Write("f0178_39_bn_9_train", Floats(features), Ints(labels));

        // Act
        LabeledDataset dataset = MindSporeBinaryReader.ReadLeNet(data, label);

        // Assert
        Assert.Equal(5, dataset.Count);
        Assert.Equal([32, 32, 3], dataset.SampleShape.ToArray());
        Assert.Equal(62, dataset.ClassCount);
        Assert.Equal(features, dataset.Features.ToArray());
        Assert.Equal(labels, dataset.Labels.ToArray());
    }

    [Fact]
    public void Read_DataNotWholeSamples_ThrowsNamingFileAndShape()
    {
        // Arrange
        (string data, string label) = Write("partial", Floats(new float[13]), Ints([0, 1, 2]));

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => MindSporeBinaryReader.Read(data, label, [2, 2], 3));

        // Assert
        Assert.Equal(data, error.FilePath);
        Assert.Contains("52 bytes, not a whole number of float32 samples of shape [2, 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CountsDiffer_ThrowsNamingBothFiles()
    {
        // Arrange
        (string data, string label) = Write("mismatch", Floats(new float[12]), Ints([0, 1]));

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => MindSporeBinaryReader.Read(data, label, [2, 2], 3));

        // Assert
        Assert.Contains("holds 3 samples", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds 2 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LabelOutOfRange_ThrowsNamingSample()
    {
        // Arrange
        (string data, string label) = Write("range", Floats(new float[8]), Ints([1, 62]));

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => MindSporeBinaryReader.Read(data, label, [2, 2], 62));

        // Assert
        Assert.Contains("Label 62 of sample 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LabelFileNotWholeInts_Throws()
    {
        // Arrange
        (string data, string label) = Write("odd", Floats(new float[4]), [1, 0, 0]);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => MindSporeBinaryReader.Read(data, label, [4], 2));

        // Assert
        Assert.Contains("3 bytes, not a whole number of int32 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingDataFile_Throws()
    {
        // Arrange
        string data = _directory.File("absent_data.bin");
        (_, string label) = Write("present", [], Ints([0]));

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => MindSporeBinaryReader.Read(data, label, [1], 2));

        // Assert
        Assert.Equal(data, error.FilePath);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    private (string Data, string Label) Write(string prefix, byte[] data, byte[] labels)
    {
        string dataPath = _directory.File(prefix + "_data.bin");
        string labelPath = _directory.File(prefix + "_label.bin");
        File.WriteAllBytes(dataPath, data);
        File.WriteAllBytes(labelPath, labels);
        return (dataPath, labelPath);
    }

    private static byte[] Floats(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static byte[] Ints(int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
