using FedSharp.Learning.Data;

namespace FedSharp.Learning.Tests.Data;

public sealed class SyntheticFedProxTests
{
    [Fact]
    public void Generate_DefaultOptions_ThirtyDevicesOfSixtyDimensionsAndTenClasses()
    {
        // Act
        UserPartitionedDataset data = SyntheticFedProx.Generate(new SyntheticFedProxOptions { Alpha = 0.5, Beta = 0.5 }, new Random(1));

        // Assert
        Assert.Equal(30, data.UserCount);
        Assert.Equal("f_00000", data.UserIds[0]);
        Assert.Equal([60], data.Samples.SampleShape.ToArray());
        Assert.Equal(10, data.Samples.ClassCount);
        Assert.All(data.UserIndices, indices => Assert.True(indices.Length >= 50));
        Assert.Equal(data.Samples.Count, data.UserIndices.Sum(indices => indices.Length));
        Assert.All(data.Samples.Features.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Generate_ZeroSizeSigma_EveryDeviceHasIntExpMeanPlusFifty()
    {
        // Arrange
        var options = new SyntheticFedProxOptions { DeviceCount = 5, SizeLogSigma = 0 };

        // Act
        UserPartitionedDataset data = SyntheticFedProx.Generate(options, new Random(2));

        // Assert: int(e^4) + 50 = 54 + 50.
        Assert.All(data.UserIndices, indices => Assert.Equal(104, indices.Length));
    }

    [Fact]
    public void Generate_SameSeed_SameDataAndDifferentSeed_Different()
    {
        // Arrange
        var options = new SyntheticFedProxOptions { DeviceCount = 6 };

        // Act
        UserPartitionedDataset first = SyntheticFedProx.Generate(options, new Random(3));
        UserPartitionedDataset again = SyntheticFedProx.Generate(options, new Random(3));
        UserPartitionedDataset other = SyntheticFedProx.Generate(options, new Random(4));

        // Assert
        Assert.Equal(first.Samples.Features.ToArray(), again.Samples.Features.ToArray());
        Assert.Equal(first.Samples.Labels.ToArray(), again.Samples.Labels.ToArray());
        Assert.NotEqual(first.Samples.Features.ToArray(), other.Samples.Features.ToArray());
    }

    [Fact]
    public void Generate_Iid_InputVarianceFollowsPowerLawDiagonal()
    {
        // Arrange
        var options = new SyntheticFedProxOptions { Iid = true, DeviceCount = 4, SizeLogMean = 9, SizeLogSigma = 0 };

        // Act
        UserPartitionedDataset data = SyntheticFedProx.Generate(options, new Random(5));

        // Assert: x_j ~ N(0, j^-1.2), so coordinate 1 has variance 1 and coordinate 60 about 0.0073.
        Assert.InRange(Variance(data.Samples, 0), 0.95, 1.05);
        Assert.InRange(Variance(data.Samples, 59) / Math.Pow(60, -1.2), 0.95, 1.05);
    }

    [Fact]
    public void Generate_HeterogeneousDevices_LabelMixesDifferMoreThanIid()
    {
        // Arrange
        var heterogeneous = new SyntheticFedProxOptions { Alpha = 1, Beta = 1, DeviceCount = 20, SizeLogMean = 7, SizeLogSigma = 0 };
        var iid = new SyntheticFedProxOptions { Iid = true, DeviceCount = 20, SizeLogMean = 7, SizeLogSigma = 0 };

        // Act
        double heterogeneousDistance = MeanDistanceToGlobalLabelMix(SyntheticFedProx.Generate(heterogeneous, new Random(6)));
        double iidDistance = MeanDistanceToGlobalLabelMix(SyntheticFedProx.Generate(iid, new Random(6)));

        // Assert
        Assert.True(heterogeneousDistance > 3 * iidDistance, $"Synthetic(1,1) {heterogeneousDistance:F3} vs IID {iidDistance:F3}");
    }

    [Fact]
    public void Generate_NegativeAlpha_ThrowsNamingTheOption()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => SyntheticFedProx.Generate(new SyntheticFedProxOptions { Alpha = -1 }, new Random(1)));

        // Assert
        Assert.Contains("Alpha (-1)", error.Message, StringComparison.Ordinal);
    }

    private static double Variance(LabeledDataset data, int coordinate)
    {
        double[] values = Enumerable.Range(0, data.Count).Select(i => (double)data.GetSample(i)[coordinate]).ToArray();
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }

    // Total-variation distance between each device's label histogram and the pooled one, averaged over devices.
    private static double MeanDistanceToGlobalLabelMix(UserPartitionedDataset data)
    {
        int classes = data.Samples.ClassCount;
        int[] labels = data.Samples.Labels.ToArray();
        double[] global = Histogram(labels, classes);
        return data.UserIndices.Average(indices =>
        {
            double[] local = Histogram(indices.Select(i => labels[i]).ToArray(), classes);
            return 0.5 * local.Zip(global, (a, b) => Math.Abs(a - b)).Sum();
        });
    }

    private static double[] Histogram(int[] labels, int classes)
    {
        var shares = new double[classes];
        foreach (int label in labels)
        {
            shares[label] += 1.0 / labels.Length;
        }

        return shares;
    }
}
