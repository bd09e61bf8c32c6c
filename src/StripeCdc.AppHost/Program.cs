using StripeCdc.AppHost;
using StripeCdc.AppHost.Hosting;

var builder = DistributedApplicationBuilder.Create(args);
StripeCdcStack.Compose(builder);

await using var app = builder.Build();
await app.StartAsync();
_ = StartupBanner.PrintWhenReadyAsync(app, builder.Configuration);
await app.WaitForShutdownAsync();
