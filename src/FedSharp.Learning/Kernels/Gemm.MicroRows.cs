namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// A row count known when the JIT compiles a generic kernel: each implementing struct yields its own compiled
    /// loop with the unused rows' code and registers gone.
    /// </summary>
    private interface IMicroRows
    {
        static abstract int Count { get; }
    }

    private readonly struct Rows1 : IMicroRows
    {
        public static int Count => 1;
    }

    private readonly struct Rows2 : IMicroRows
    {
        public static int Count => 2;
    }

    private readonly struct Rows3 : IMicroRows
    {
        public static int Count => 3;
    }

    private readonly struct Rows4 : IMicroRows
    {
        public static int Count => 4;
    }

    private readonly struct Rows5 : IMicroRows
    {
        public static int Count => 5;
    }

    private readonly struct Rows6 : IMicroRows
    {
        public static int Count => 6;
    }

    private readonly struct Rows7 : IMicroRows
    {
        public static int Count => 7;
    }

    private readonly struct Rows8 : IMicroRows
    {
        public static int Count => 8;
    }
}
