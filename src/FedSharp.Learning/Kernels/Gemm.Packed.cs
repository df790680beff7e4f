using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    // Rows of C per microkernel call. Six rows of two vectors keep 12 accumulators live, three times the FMA latency
    // (4 cycles) times its throughput (1 zmm or 2 ymm per cycle on Zen 4), and fit the 16 ymm registers of AVX2 too.
    internal const int MicroRows = 6;

    // Depth of one packed block: a 6×256 A micro-panel (6 KB) plus the 256×NR B micro-panel it meets stay in L1.
    private const int DepthBlock = 256;

    // Rows of A packed at once (96 KB at full depth): sized to stay resident in the 1 MB L2 while B panels stream.
    private const int RowBlock = 96;

    // Columns of B packed at once: bounds the packed B block (2 MB at full depth) for very wide im2col matrices.
    private const int ColumnBlock = 2048;

    // Up to this many rows of C, an untransposed B is read in place: each of its rows is reused by at most a few
    // A micro-panels, so copying it would cost about as much as the multiply.
    private const int InPlaceBMaxRows = 2 * MicroRows;

    /// <summary>Columns of C per microkernel call: two vectors of the active width.</summary>
    internal static int MicroColumns => Vector512.IsHardwareAccelerated ? 2 * Vector512<float>.Count : 2 * Vector256<float>.Count;

    private static unsafe void MultiplyPacked(
        bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        int nr = MicroColumns;
        bool inPlaceB = !transposeB && m <= InPlaceBMaxRows;

        // Split k into equal blocks rather than full ones plus a sliver, so every block keeps the FMA pipes busy.
        int depthBlocks = (k + DepthBlock - 1) / DepthBlock;
        int kcMax = (k + depthBlocks - 1) / depthBlocks;
        int ncMax = RoundUp(Math.Min(n, ColumnBlock), nr);
        int mcMax = RoundUp(Math.Min(m, RowBlock), MicroRows);

        GemmScratch scratch = GemmScratch.Current;
        float* packedA = scratch.PackedA(mcMax * kcMax);
        float* packedB = scratch.PackedB((inPlaceB ? nr : ncMax) * kcMax);

        // Edge tiles are computed whole into this tile and only their valid part is merged into C.
        float* tile = stackalloc float[MicroRows * 2 * 16];

        for (int jc = 0; jc < n; jc += ColumnBlock)
        {
            int nc = Math.Min(ColumnBlock, n - jc);
            int fullColumns = nc - nc % nr;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float blockBeta = pc == 0 ? beta : 1f;
                if (!inPlaceB)
                {
                    PackB(transposeB, b, ldb, pc, kc, jc, nc, packedB, nr);
                }
                else if (fullColumns < nc)
                {
                    PackB(transposeB: false, b, ldb, pc, kc, jc + fullColumns, nc - fullColumns, packedB, nr);
                }

                for (int ic = 0; ic < m; ic += RowBlock)
                {
                    int mc = Math.Min(RowBlock, m - ic);
                    PackA(transposeA, a, lda, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel;
                        nint bStride;
                        if (!inPlaceB)
                        {
                            bPanel = packedB + (nint)jr * kc;
                            bStride = nr;
                        }
                        else if (cols == nr)
                        {
                            bPanel = b + (nint)pc * ldb + jc + jr;
                            bStride = ldb;
                        }
                        else
                        {
                            bPanel = packedB;
                            bStride = nr;
                        }

                        for (int ir = 0; ir < mc; ir += MicroRows)
                        {
                            int rows = Math.Min(MicroRows, mc - ir);
                            float* aPanel = packedA + (nint)ir * kc;
                            float* cTile = c + (nint)(ic + ir) * ldc + jc + jr;
                            if (rows == MicroRows && cols == nr)
                            {
                                Microkernel(kc, aPanel, bPanel, bStride, cTile, ldc, blockBeta);
                            }
                            else
                            {
                                Microkernel(kc, aPanel, bPanel, bStride, tile, nr, 0f);
                                MergeTile(tile, nr, rows, cols, cTile, ldc, blockBeta);
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Microkernel(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float beta)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Microkernel512(kc, a, b, bStride, c, ldc, beta);
        }
        else
        {
            Microkernel256(kc, a, b, bStride, c, ldc, beta);
        }
    }

    private static unsafe void MergeTile(float* tile, int tileStride, int rows, int cols, float* c, int ldc, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* source = tile + (nint)i * tileStride;
            float* target = c + (nint)i * ldc;
            for (int j = 0; j < cols; j++)
            {
                target[j] = beta == 0f ? source[j] : source[j] + beta * target[j];
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
