// Each collection starts a whole Aspire app (DCP, processes, Kafka); two at once would only fight for the cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
