using FedSharp.Learning.Data;
using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class PartitionerFactoryTests
{
    [Theory]
    [InlineData("iid", typeof(IidPartitioner))]
    [InlineData("homo", typeof(IidPartitioner))]
    [InlineData("dirichlet", typeof(DirichletLabelPartitioner))]
    [InlineData("noniid-labeldir", typeof(DirichletLabelPartitioner))]
    [InlineData("labels", typeof(LabelCountPartitioner))]
    [InlineData("noniid-#label2", typeof(LabelCountPartitioner))]
    [InlineData("quantity", typeof(QuantitySkewPartitioner))]
    [InlineData("iid-diff-quantity", typeof(QuantitySkewPartitioner))]
    [InlineData("Shards", typeof(ShardPartitioner))]
    public void Create_ConfigName_BuildsMatchingPartitioner(string name, Type expected)
    {
        // Act
        IDataPartitioner partitioner = PartitionerFactory.Create(name);

        // Assert
        Assert.IsType(expected, partitioner);
    }

    [Fact]
    public void Parse_NiidBenchLabelName_ReadsK()
    {
        // Act
        PartitionerOptions options = PartitionerOptions.Parse("noniid-#label3");

        // Assert
        Assert.Equal(PartitionerKind.LabelCount, options.Kind);
        Assert.Equal(3, options.LabelsPerClient);
        Assert.Equal(3, ((LabelCountPartitioner)PartitionerFactory.Create(options)).LabelsPerClient);
    }

    [Fact]
    public void Create_OptionsWithBetaAndMinimum_PassesThemOn()
    {
        // Arrange
        var options = new PartitionerOptions { Kind = PartitionerKind.DirichletLabelSkew, Beta = 0.1, MinSamplesPerClient = 20 };

        // Act
        var partitioner = (DirichletLabelPartitioner)PartitionerFactory.Create(options);

        // Assert
        Assert.Equal(0.1, partitioner.Beta);
        Assert.Equal(20, partitioner.MinSamplesPerClient);
    }

    [Fact]
    public void Parse_UnknownName_ThrowsListingValidNames()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => PartitionerOptions.Parse("pathological"));

        // Assert
        Assert.Contains("'pathological'", error.Message, StringComparison.Ordinal);
        Assert.Contains("noniid-labeldir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NaturalWithoutUsers_ThrowsAndWithUsersBuildsNatural()
    {
        // Arrange
        var samples = new LabeledDataset(new float[4], [0, 1, 0, 1], [1], 2);
        var users = new UserPartitionedDataset(samples, ["a", "b"], [[0, 1], [2, 3]]);

        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => PartitionerFactory.Create("natural"));
        IDataPartitioner natural = PartitionerFactory.Create("natural", users);

        // Assert
        Assert.Contains("needs a data set with users", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, ((NaturalPartitioner)natural).UserCount);
    }

    [Fact]
    public void Create_NegativeBeta_ThrowsNamingTheOption()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => PartitionerFactory.Create(new PartitionerOptions { Kind = PartitionerKind.QuantitySkew, Beta = -1 }));

        // Assert
        Assert.Contains("Beta is -1", error.Message, StringComparison.Ordinal);
    }
}
