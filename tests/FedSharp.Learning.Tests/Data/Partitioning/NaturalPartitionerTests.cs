using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class NaturalPartitionerTests
{
    private static readonly int[][] s_users = [[0, 1, 2], [3], [4, 5], [6, 7, 8, 9]];

    [Fact]
    public void Partition_OneClientPerUser_EachClientIsItsUser()
    {
        // Act
        DataPartition partition = new NaturalPartitioner(s_users).Partition(new int[10], 10, 4, new Random(1));

        // Assert
        Assert.Equal(s_users, partition.ClientIndices);
    }

    [Fact]
    public void Partition_FewerClientsThanUsers_MergesWholeUsers()
    {
        // Act
        DataPartition partition = new NaturalPartitioner(s_users).Partition(new int[10], 10, 2, new Random(1));

        // Assert
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 10);
        Assert.All(partition.ClientIndices, client =>
            Assert.All(s_users, user => Assert.True(user.All(client.Contains) || !user.Any(client.Contains))));
    }

    [Fact]
    public void Partition_MoreClientsThanUsers_Throws()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new NaturalPartitioner(s_users).Partition(new int[10], 10, 5, new Random(1)));

        // Assert
        Assert.Contains("has 4 users and cannot serve 5 clients", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_UserIndexOutsideDataset_Throws()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new NaturalPartitioner(s_users).Partition(new int[8], 10, 4, new Random(1)));

        // Assert
        Assert.Contains("User 3 lists sample 8", error.Message, StringComparison.Ordinal);
    }
}
