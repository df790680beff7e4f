using FedSharp.Learning.Data;

namespace FedSharp.Learning.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_WellFormedFiles_RoundTripsPixelsAndLabels(bool gzip)
    {
        // Arrange
        byte[] labels = [3, 0, 9, 7, 1];
        string images = Write("images", IdxFileBuilder.Images(labels.Length, 4, 3, IdxFileBuilder.Pixel), gzip);
        string labelPath = Write("labels", IdxFileBuilder.Labels(labels), gzip);

        // Act
        LabeledDataset dataset = IdxFile.Load(images, labelPath);

        // Assert
        Assert.Equal(5, dataset.Count);
        Assert.Equal([1, 4, 3], dataset.SampleShape.ToArray());
        Assert.Equal(10, dataset.ClassCount);
        Assert.Equal([3, 0, 9, 7, 1], dataset.Labels.ToArray());
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> sample = dataset.GetSample(i);
            for (int p = 0; p < 12; p++)
            {
                Assert.Equal(IdxFileBuilder.Pixel(i, p) / 255f, sample[p]);
            }
        }
    }

    [Fact]
    public void Load_ExtremePixels_ScaledToZeroAndOne()
    {
        // Arrange
        string images = Write("images", IdxFileBuilder.Images(1, 1, 3, (_, p) => p switch { 0 => 0, 1 => 128, _ => 255 }), gzip: true);
        string labels = Write("labels", IdxFileBuilder.Labels([0]), gzip: true);

        // Act
        LabeledDataset dataset = IdxFile.Load(images, labels);

        // Assert
        Assert.Equal([0f, 128f / 255f, 1f], dataset.Features.ToArray());
    }

    [Fact]
    public void ScalePixels_EveryLengthUpTo300_MatchesScalarTwinBitForBit()
    {
        // Arrange
        var random = new Random(21);
        for (int length = 0; length <= 300; length++)
        {
            byte[] pixels = new byte[length];
            random.NextBytes(pixels);
            if (length >= 2)
            {
                pixels[0] = 0;
                pixels[^1] = 255;
            }

            var vectorised = new float[length];
            var scalar = new float[length];

            // Act
            IdxFile.ScalePixels(pixels, vectorised);
            IdxFile.ScalePixelsScalar(pixels, scalar);

            // Assert
            Assert.Equal(scalar, vectorised);
        }
    }

    [Fact]
    public void ScalePixelsScalar_AllByteValues_EqualsDivisionBy255()
    {
        // Arrange
        byte[] pixels = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var scaled = new float[256];

        // Act
        IdxFile.ScalePixelsScalar(pixels, scaled);

        // Assert
        Assert.Equal(Enumerable.Range(0, 256).Select(i => i / 255f), scaled);
    }

    [Fact]
    public void Load_MissingImagesFile_ThrowsNamingPathAndFix()
    {
        // Arrange
        string missing = _directory.File("train-images-idx3-ubyte.gz");
        string labels = Write("labels", IdxFileBuilder.Labels([0]), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(missing, labels));

        // Assert
        Assert.Equal(missing, error.FilePath);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_TruncatedImageBody_ThrowsTruncated(bool gzip)
    {
        // Arrange
        byte[] full = IdxFileBuilder.Images(3, 28, 28, IdxFileBuilder.Pixel);
        string images = Write("images", full[..(full.Length - 100)], gzip);
        string labels = Write("labels", IdxFileBuilder.Labels([0, 1, 2]), gzip);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Contains(images, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 images of 28×28", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_HeaderDeclaringGigabytes_ThrowsTruncatedBeforeAllocating(bool gzip)
    {
        // Regression: a 16-byte file declaring 2 GB of pixels was answered with a 2 GB allocation.
        byte[] header = IdxFileBuilder.Images(1, 28, 28, IdxFileBuilder.Pixel)[..16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 2_000_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 32);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 32);
        string images = Write("huge-images", header, gzip);
        string labels = Write("huge-labels", IdxFileBuilder.Labels([0]), gzip);
        long before = GC.GetAllocatedBytesForCurrentThread();

        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        Assert.Contains(images, error.Message, StringComparison.Ordinal);
        Assert.Contains("can hold at most", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "the reader allocated the declared size before reading");
    }

    [Fact]
    public void Load_TruncatedHeader_ThrowsTruncated()
    {
        // Arrange
        string images = Write("images", IdxFileBuilder.Images(1, 2, 2, IdxFileBuilder.Pixel)[..10], gzip: false);
        string labels = Write("labels", IdxFileBuilder.Labels([0]), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Contains("16-byte header but only 10 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CutGzipStream_ThrowsNamingTheFile()
    {
        // Arrange
        byte[] compressed = IdxFileBuilder.Gzip(IdxFileBuilder.Images(50, 28, 28, IdxFileBuilder.Pixel));
        string images = _directory.File("images.gz");
        File.WriteAllBytes(images, compressed[..(compressed.Length / 2)]);
        string labels = Write("labels", IdxFileBuilder.Labels(new byte[50]), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Equal(images, error.FilePath);
        Assert.Contains("download the file again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelFilePassedAsImages_ThrowsWrongMagic()
    {
        // Arrange
        string labels = Write("labels", IdxFileBuilder.Labels([0, 1]), gzip: true);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(labels, labels));

        // Assert
        Assert.Contains("magic number 0x00000801", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000803", error.Message, StringComparison.Ordinal);
        Assert.Contains("looks like a label file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongLabelMagic_ThrowsWrongMagic()
    {
        // Arrange
        string images = Write("images", IdxFileBuilder.Images(2, 2, 2, IdxFileBuilder.Pixel), gzip: false);
        string labels = Write("labels", IdxFileBuilder.Labels([0, 1], magic: 0x12345678), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Equal(labels, error.FilePath);
        Assert.Contains("0x12345678", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MoreImagesThanLabels_ThrowsCountMismatch()
    {
        // Arrange
        string images = Write("images", IdxFileBuilder.Images(3, 2, 2, IdxFileBuilder.Pixel), gzip: false);
        string labels = Write("labels", IdxFileBuilder.Labels([0, 1]), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Contains("holds 3 images", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds 2 labels", error.Message, StringComparison.Ordinal);
        Assert.Contains(images, error.Message, StringComparison.Ordinal);
        Assert.Contains(labels, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelOutOfRange_ThrowsNamingSampleAndLabel()
    {
        // Arrange
        string images = Write("images", IdxFileBuilder.Images(3, 2, 2, IdxFileBuilder.Pixel), gzip: false);
        string labels = Write("labels", IdxFileBuilder.Labels([0, 12, 1]), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Contains("Label 12 of sample 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 10)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TrailingBytes_ThrowsHeaderCountWrong()
    {
        // Arrange
        byte[] full = IdxFileBuilder.Images(2, 2, 2, IdxFileBuilder.Pixel);
        string images = Write("images", [.. full, 1, 2, 3], gzip: false);
        string labels = Write("labels", IdxFileBuilder.Labels([0, 1]), gzip: false);

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => IdxFile.Load(images, labels));

        // Assert
        Assert.Contains("bytes after the 2 images", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] payload, bool gzip)
    {
        string path = _directory.File(gzip ? name + ".gz" : name);
        File.WriteAllBytes(path, gzip ? IdxFileBuilder.Gzip(payload) : payload);
        return path;
    }
}
