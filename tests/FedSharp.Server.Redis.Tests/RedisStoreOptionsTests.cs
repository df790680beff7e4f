namespace FedSharp.Server.Redis.Tests;

public sealed class RedisStoreOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(new RedisStoreOptions().Validate());
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("redis.internal:16379")]
    [InlineData("[::1]:6379")]
    public void Validate_WellFormedEndpoint_Accepted(string endpoint)
    {
        Assert.Empty(new RedisStoreOptions { Endpoints = [endpoint] }.Validate());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData(":6379")]
    [InlineData("::1:6379")]
    [InlineData("host name:6379")]
    public void Validate_MalformedEndpoint_NamesItAndTheForm(string endpoint)
    {
        string problem = Assert.Single(new RedisStoreOptions { Endpoints = [endpoint] }.Validate());

        Assert.Contains($"Endpoints holds '{endpoint}'", problem, StringComparison.Ordinal);
        Assert.Contains("host:port", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedsharp:default")]
    [InlineData("fedsharp:{}")]
    [InlineData("fedsharp:{a}:{b}")]
    [InlineData("")]
    public void Validate_PrefixWithoutSingleHashTag_ExplainsWhy(string prefix)
    {
        string problem = Assert.Single(new RedisStoreOptions { KeyPrefix = prefix }.Validate());

        Assert.Contains("KeyPrefix", problem, StringComparison.Ordinal);
        Assert.Contains("Redis Cluster slot", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CertificatesWithoutTls_AsksToEnableTls()
    {
        string path = Path.GetTempFileName();
        try
        {
            string problem = Assert.Single(new RedisStoreOptions { TlsCaCertificatePath = path }.Validate());

            Assert.Contains("set UseTls to true", problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Validate_ClientCertificateWithoutKey_AsksForBoth()
    {
        string path = Path.GetTempFileName();
        try
        {
            string problem = Assert.Single(new RedisStoreOptions { UseTls = true, TlsClientCertificatePath = path }.Validate());

            Assert.Contains("needs both", problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Validate_MissingCaFile_NamesOptionAndPath()
    {
        string problem = Assert.Single(new RedisStoreOptions { UseTls = true, TlsCaCertificatePath = "/nonexistent/ca.crt" }.Validate());

        Assert.Contains("TlsCaCertificatePath is '/nonexistent/ca.crt', which does not exist", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutOfRangeNumbers_EachNamed()
    {
        var options = new RedisStoreOptions { Database = -1, ConnectTimeout = TimeSpan.FromMilliseconds(10), LeaseKeyExpiryMargin = TimeSpan.FromSeconds(-1) };

        IReadOnlyList<string> problems = options.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Database is -1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ConnectTimeout is 10 ms", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LeaseKeyExpiryMargin is -1000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfInvalid_Invalid_ThrowsArgumentExceptionWithEveryProblem()
    {
        var options = new RedisStoreOptions { Endpoints = [], Database = -2 };

        var ex = Assert.Throws<ArgumentException>(options.ThrowIfInvalid);

        Assert.Contains("Endpoints is empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Database is -2", ex.Message, StringComparison.Ordinal);
    }
}
