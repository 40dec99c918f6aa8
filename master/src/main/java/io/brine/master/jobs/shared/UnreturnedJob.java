package io.brine.master.jobs.shared;

import io.brine.master.jobs.JobRecord;
import java.time.Duration;
import java.util.Objects;

/**
 * A recent job a minion was targeted by and has not returned ({@link
 * SharedJobCache#unreturned}): its record and its publication, both opened, and how long ago it
 * was queued.
 *
 * @param job the job's record as its publishing master stored it (sealed): its {@code minions}
 *     are the ones it admitted
 * @param publication the publication's JSON as the publishing master queued it: the same bytes
 *     every master handed to its minions
 * @param age how long before the query the job was queued, by the database's clock
 */
public record UnreturnedJob(JobRecord job, byte[] publication, Duration age) {
  public UnreturnedJob {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(publication, "publication");
    Objects.requireNonNull(age, "age");
  }

  public String jid() {
    return job.jid();
  }

  @Override
  public String toString() {
    // The publication is the job itself (function, arguments): not for a log line.
    return "UnreturnedJob[jid=" + jid() + ", age=" + age + ", publication="
        + publication.length + " bytes]";
  }
}
