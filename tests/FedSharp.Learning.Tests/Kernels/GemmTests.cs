using FedSharp.Learning.Kernels;

namespace FedSharp.Learning.Tests.Kernels;

public sealed class GemmTests
{
    private static readonly int[] s_oddSizes = [1, 3, 7, 17, 31, 33, 65, 127, 129];

    public static TheoryData<bool, bool> Transposes() => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    public static TheoryData<int, bool, bool> DimensionsAndTransposes()
    {
        var data = new TheoryData<int, bool, bool>();
        for (int dimension = 0; dimension < 3; dimension++)
        {
            foreach ((bool transposeA, bool transposeB) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                data.Add(dimension, transposeA, transposeB);
            }
        }

        return data;
    }

    // The shapes of NIID-Bench's simple-cnn at batch 64: forward, weight gradient and input gradient of each layer.
    public static TheoryData<string, bool, bool, int, int, int> SimpleCnnShapes() => new()
    {
        { "conv1 forward per image", false, false, 6, 576, 25 },
        { "conv1 forward batch", false, false, 6, 36864, 25 },
        { "conv1 weight gradient", false, true, 6, 25, 36864 },
        { "conv2 forward per image", false, false, 16, 64, 150 },
        { "conv2 forward batch", false, false, 16, 4096, 150 },
        { "conv2 weight gradient", false, true, 16, 150, 4096 },
        { "conv2 columns gradient", true, false, 150, 4096, 16 },
        { "fc1 forward", false, true, 64, 120, 256 },
        { "fc1 weight gradient", true, false, 120, 256, 64 },
        { "fc1 input gradient", false, false, 64, 256, 120 },
        { "fc2 forward", false, true, 64, 84, 120 },
        { "fc2 weight gradient", true, false, 84, 120, 64 },
        { "fc2 input gradient", false, false, 64, 120, 84 },
        { "fc3 forward", false, true, 64, 10, 84 },
        { "fc3 weight gradient", true, false, 10, 84, 64 },
        { "fc3 input gradient", false, false, 64, 84, 10 },
    };

    [Theory]
    [MemberData(nameof(DimensionsAndTransposes))]
    public void Multiply_EveryLengthZeroTo256InOneDimension_MatchesScalarTwin(int dimension, bool transposeA, bool transposeB)
    {
        var random = new Random(1000 + dimension);
        for (int length = 0; length <= 256; length++)
        {
            int m = dimension == 0 ? length : 7;
            int n = dimension == 1 ? length : 37;
            int k = dimension == 2 ? length : 19;

            AssertMatchesScalarTwin(random, transposeA, transposeB, m, n, k, beta: 0f, padding: 0);
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_OddShapes_MatchesScalarTwin(bool transposeA, bool transposeB)
    {
        var random = new Random(7);
        foreach (int m in s_oddSizes)
        {
            foreach (int n in s_oddSizes)
            {
                foreach (int k in s_oddSizes)
                {
                    AssertMatchesScalarTwin(random, transposeA, transposeB, m, n, k, beta: 0f, padding: 0);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_DeepProducts_MatchesScalarTwin(bool transposeA, bool transposeB)
    {
        // Depths past one packed block and past one dot-product chunk exercise the accumulation across blocks.
        var random = new Random(11);
        AssertMatchesScalarTwin(random, transposeA, transposeB, 13, 41, 700, beta: 0f, padding: 0);
        AssertMatchesScalarTwin(random, transposeA, transposeB, 5, 9, 5000, beta: 1f, padding: 0);
        AssertMatchesScalarTwin(random, transposeA, transposeB, 3, 2100, 300, beta: 1f, padding: 0);
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_FewRowsLongDepth_MatchesScalarTwin(bool transposeA, bool transposeB)
    {
        // Weight-gradient shapes (k far above m and n) take the dot-product path for A·Bᵀ: every row and column
        // remainder of its blocks, with a depth that is no multiple of any vector width.
        var random = new Random(13);
        for (int m = 1; m <= 13; m++)
        {
            for (int n = 1; n <= 9; n++)
            {
                AssertMatchesScalarTwin(random, transposeA, transposeB, m, n, 8 * m + 37, beta: n % 2, padding: m % 3);
            }
        }
    }

    [Theory]
    [InlineData(3, 5, 40, 48)]
    [InlineData(7, 5, 2069, 2080)]
    [InlineData(2, 3, 4111, 4128)]
    public void Multiply_TransposedBAtEveryCacheLineOffset_MatchesScalarTwin(int m, int n, int k, int ldb)
    {
        // Starting B at each of the 16 float offsets within a cache line exercises every load alignment.
        var random = new Random(m * n);
        float[] a = RandomMatrix(random, m, k, 0);
        float[] storage = RandomMatrix(random, n + 1, ldb, 0);
        for (int offset = 0; offset < 16; offset++)
        {
            ReadOnlySpan<float> b = storage.AsSpan(offset, (n - 1) * ldb + k);
            float[] expected = new float[m * n];
            float[] actual = new float[m * n];

            GemmScalar.Multiply(false, true, m, n, k, a, k, b, ldb, 0f, expected, n);
            Gemm.Multiply(false, true, m, n, k, a, k, b, ldb, 0f, actual, n);

            for (int index = 0; index < expected.Length; index++)
            {
                Assert.True(Math.Abs(expected[index] - actual[index]) <= 1e-5f * (k + 1), $"C[{index}] at B offset {offset} is {actual[index]}, scalar twin says {expected[index]}.");
            }
        }
    }

    [Theory]
    [InlineData(false, true, 6, 25, 36864)]
    [InlineData(false, true, 16, 150, 4096)]
    [InlineData(false, true, 3, 5, 2069)]
    [InlineData(false, false, 16, 4096, 150)]
    [InlineData(true, false, 150, 4096, 16)]
    public void Multiply_SameOperandsAtEveryAddressPhase_BitIdenticalResults(bool transposeA, bool transposeB, int m, int n, int k)
    {
        // Same seed, same training, same bits: the result may depend on the values only, never on where the GC placed
        // a buffer. Regression: the dot-product path once chose its lane order from B's cache-line phase.
        var random = new Random(m + n + k);
        float[] a = RandomMatrix(random, transposeA ? k : m, transposeA ? m : k, 0);
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        float[] b = RandomMatrix(random, bRows, bCols, 0);
        float[] reference = new float[m * n];
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, transposeA ? m : k, b, bCols, 0f, reference, n);

        float[] storage = new float[b.Length + 16];
        float[] actual = new float[m * n];
        for (int offset = 1; offset < 16; offset++)
        {
            b.CopyTo(storage, offset);
            Gemm.Multiply(transposeA, transposeB, m, n, k, a, transposeA ? m : k, storage.AsSpan(offset, b.Length), bCols, 0f, actual, n);

            for (int index = 0; index < reference.Length; index++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(reference[index]) == BitConverter.SingleToInt32Bits(actual[index]),
                    $"C[{index}] with B at float offset {offset} is {actual[index]:R}, at its own address {reference[index]:R}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_BetaOneWithStridesWiderThanRows_AccumulatesAndLeavesPaddingAlone(bool transposeA, bool transposeB)
    {
        var random = new Random(3);
        foreach (int size in s_oddSizes)
        {
            AssertMatchesScalarTwin(random, transposeA, transposeB, size, 2 * size + 1, size + 2, beta: 1f, padding: 5);
            AssertMatchesScalarTwin(random, transposeA, transposeB, 2 * size, size, 3, beta: 1f, padding: 17);
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_BetaZeroOverNaN_OverwritesEveryElement(bool transposeA, bool transposeB)
    {
        var random = new Random(5);
        foreach (int size in s_oddSizes)
        {
            int m = size, n = size + 4, k = 2 * size;
            float[] a = RandomMatrix(random, transposeA ? k : m, transposeA ? m : k, 0);
            float[] b = RandomMatrix(random, transposeB ? n : k, transposeB ? k : n, 0);
            float[] c = new float[m * n];
            Array.Fill(c, float.NaN);

            Gemm.Multiply(transposeA, transposeB, m, n, k, a, transposeA ? m : k, b, transposeB ? k : n, 0f, c, n);

            Assert.All(c, value => Assert.True(float.IsFinite(value), $"C kept a non-finite value for {m}×{n}×{k}."));
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_FractionalBeta_ScalesOldCLikeScalarTwin(bool transposeA, bool transposeB)
    {
        var random = new Random(37);

        AssertMatchesScalarTwin(random, transposeA, transposeB, 19, 45, 300, beta: 0.5f, padding: 1);
        AssertMatchesScalarTwin(random, transposeA, transposeB, 4, 9, 3000, beta: -2f, padding: 0);
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_NaNOutsideTheMatrices_NeverReachesC(bool transposeA, bool transposeB)
    {
        // Padding columns and everything past the last element hold NaN: a kernel that reads outside the matrices
        // (a vector running past a row, a panel edge) and lets the value into a sum turns C non-finite.
        var random = new Random(41);
        foreach ((int m, int n, int k) in new[] { (6, 25, 36864), (16, 150, 4096), (150, 64, 16), (64, 10, 84), (13, 37, 29), (9, 47, 300) })
        {
            int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
            int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
            float[] a = MatrixInNaN(random, aRows, aCols, aCols + 3);
            float[] b = MatrixInNaN(random, bRows, bCols, bCols + 5);
            float[] c = new float[m * n];

            Gemm.Multiply(transposeA, transposeB, m, n, k, a.AsSpan(0, (aRows - 1) * (aCols + 3) + aCols), aCols + 3, b.AsSpan(0, (bRows - 1) * (bCols + 5) + bCols), bCols + 5, 0f, c, n);

            Assert.All(c, value => Assert.True(float.IsFinite(value), $"A NaN from outside the matrices reached C for {m}×{n}×{k}."));
        }
    }

    [Fact]
    public void Multiply_ZeroDepth_ScalesOrClearsC()
    {
        float[] overwritten = [float.NaN, 2f, 3f];
        float[] accumulated = [1f, 2f, 3f];

        Gemm.Multiply(false, false, 1, 3, 0, [], 0, [], 3, 0f, overwritten, 3);
        Gemm.Multiply(false, false, 1, 3, 0, [], 0, [], 3, 1f, accumulated, 3);

        Assert.Equal([0f, 0f, 0f], overwritten);
        Assert.Equal([1f, 2f, 3f], accumulated);
    }

    [Fact]
    public void Multiply_KnownProduct_ReturnsExactValues()
    {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50], exact in float.
        float[] c = new float[4];

        Gemm.Multiply(false, false, 2, 2, 2, [1f, 2f, 3f, 4f], 2, [5f, 6f, 7f, 8f], 2, 0f, c, 2);

        Assert.Equal([19f, 22f, 43f, 50f], c);
    }

    [Theory]
    [MemberData(nameof(SimpleCnnShapes))]
    public void Multiply_SimpleCnnShapes_MatchesScalarTwin(string layer, bool transposeA, bool transposeB, int m, int n, int k)
    {
        var random = new Random(layer.Length);

        AssertMatchesScalarTwin(random, transposeA, transposeB, m, n, k, beta: 0f, padding: 0);
        AssertMatchesScalarTwin(random, transposeA, transposeB, m, n, k, beta: 1f, padding: 0);
    }

    [Theory]
    [MemberData(nameof(SimpleCnnShapes))]
    public void Multiply_AfterWarmUp_AllocatesNothing(string layer, bool transposeA, bool transposeB, int m, int n, int k)
    {
        var random = new Random(layer.Length);
        float[] a = RandomMatrix(random, m, k, 0);
        float[] b = RandomMatrix(random, k, n, 0);
        float[] c = new float[m * n];
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, 0f, c, n);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, 0f, c, n);
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, 1f, c, n);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Multiply_SpanTooShort_ThrowsNamingTheMatrix()
    {
        float[] a = new float[6], b = new float[5], c = new float[4];

        ArgumentException tooShortB = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, 0f, c, 2));
        ArgumentException tooShortC = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 3, a, 3, new float[9], 3, 0f, c, 3));

        Assert.Contains("matrix B", tooShortB.Message, StringComparison.Ordinal);
        Assert.Contains("matrix C", tooShortC.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiply_StrideBelowColumnCount_ThrowsNamingTheMatrix()
    {
        float[] a = new float[6], b = new float[6], c = new float[4];

        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(true, false, 2, 2, 3, a, 1, b, 2, 0f, c, 2));

        Assert.Contains("matrix A", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiply_NegativeDimension_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 2, 2, new float[4], 2, new float[4], 2, 0f, new float[4], 2));
    }

    private static void AssertMatchesScalarTwin(Random random, bool transposeA, bool transposeB, int m, int n, int k, float beta, int padding)
    {
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        int lda = aCols + padding, ldb = bCols + padding, ldc = n + padding;
        float[] a = RandomMatrix(random, aRows, aCols, padding);
        float[] b = RandomMatrix(random, bRows, bCols, padding);
        float[] expected = RandomMatrix(random, m, n, padding);
        float[] actual = (float[])expected.Clone();

        GemmScalar.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, expected, ldc);
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, actual, ldc);

        // Entries lie in [-1, 1], so reassociating a k-term sum moves it by at most a few ulps per term.
        float tolerance = 1e-5f * (k + 1);
        for (int index = 0; index < expected.Length; index++)
        {
            float difference = Math.Abs(expected[index] - actual[index]);
            Assert.True(
                difference <= tolerance,
                $"C[{index / ldc}, {index % ldc}] of {m}×{n}×{k} (transposeA={transposeA}, transposeB={transposeB}, beta={beta}, padding={padding}) is {actual[index]}, scalar twin says {expected[index]}.");
        }
    }

    private static float[] MatrixInNaN(Random random, int rows, int cols, int stride)
    {
        float[] matrix = new float[rows * stride + 64];
        Array.Fill(matrix, float.NaN);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                matrix[i * stride + j] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return matrix;
    }

    // Padding columns hold values the kernel must neither read into the product nor overwrite.
    private static float[] RandomMatrix(Random random, int rows, int cols, int padding)
    {
        float[] matrix = new float[Math.Max(0, rows * (cols + padding))];
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return matrix;
    }
}
