namespace FedSharp.Core.Configuration;

/// <summary>
/// The <c>simulation</c> section (FedSharp's own): N virtual clients on a partitioned data set. Rounds, local epochs,
/// batch size and learning rate come from MindSpore's keys (<c>fl_iteration_num</c>, <c>client.*</c>); clients per
/// round from <c>round.start_fl_job_threshold</c>.
/// </summary>
public sealed partial class SimulationSection
{
    /// <summary><c>simulation.clients</c>: number of virtual clients, in [1, 1000000]. Default 20.</summary>
    public int Clients { get; set; } = 20;

    /// <summary><c>simulation.dataset</c>: <c>fashion-mnist-subset</c>, <c>fashion-mnist</c> or <c>mnist</c>. Default fashion-mnist-subset.</summary>
    public SimulationDataset Dataset { get; set; } = SimulationDataset.FashionMnistSubset;

    /// <summary><c>simulation.data_dir</c>: folder searched first for the data set's IDX files. Default empty (not given).</summary>
    public string DataDir { get; set; } = string.Empty;

    /// <summary>
    /// <c>simulation.partition</c>: how samples are dealt to clients: <c>iid</c>, <c>dirichlet</c>, <c>labels</c>,
    /// <c>quantity</c>, <c>shards</c>, or NIID-Bench's names (<c>homo</c>, <c>noniid-labeldir</c>, <c>noniid-#label2</c>,
    /// <c>iid-diff-quantity</c>). Default <c>iid</c>.
    /// </summary>
    public string Partition { get; set; } = "iid";

    /// <summary><c>simulation.partition_beta</c>: Dirichlet concentration β of <c>dirichlet</c> and <c>quantity</c>, &gt; 0. Default 0.5.</summary>
    public double PartitionBeta { get; set; } = 0.5;

    /// <summary><c>simulation.labels_per_client</c>: K of the <c>labels</c> partitioner (#C=K), in [1, 1000]. Default 2.</summary>
    public int LabelsPerClient { get; set; } = 2;

    /// <summary><c>simulation.shards_per_client</c>: shards per client of the <c>shards</c> partitioner, in [1, 1000]. Default 2.</summary>
    public int ShardsPerClient { get; set; } = 2;

    /// <summary><c>simulation.min_samples_per_client</c>: redraw skewed partitions until every client has this many, ≥ 0. Default 10.</summary>
    public int MinSamplesPerClient { get; set; } = 10;

    /// <summary><c>simulation.transport</c>: <c>in_memory</c> or <c>http</c>. Default in_memory.</summary>
    public SimulationTransport Transport { get; set; } = SimulationTransport.InMemory;

    /// <summary><c>simulation.threads</c>: clients trained at once, in [0, 1024]; 0 means one per core. Default 0.</summary>
    public int Threads { get; set; }

    /// <summary><c>simulation.seed</c>: seed of the partition and of every client's shuffling, ≥ 0. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary><c>simulation.report_dir</c>: where the CSV and JSON report and the chart are written. Default <c>./fl_report</c>.</summary>
    public string ReportDir { get; set; } = "./fl_report";
}
