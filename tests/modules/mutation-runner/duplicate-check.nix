# Two operator checks with one name are refused at evaluation: mutation-runner would refuse the
# policy (policy-invalid) on every run.
{
  config.autopoietic = {
    enable = true;
    mutationRunner.operatorChecks = [
      {
        name = "lint";
        command = "statix";
      }
      {
        name = "lint";
        command = "deadnix";
      }
    ];
  };
  expect.failedAssertions = [
    "autopoietic.mutationRunner.operatorChecks names lint more than once; mutation-runner refuses a policy that defines a check twice. Give every operator check a unique name."
  ];
}
