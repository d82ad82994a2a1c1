package io.procpool.internal.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.config.TaskSettings;
import io.procpool.internal.ipc.Coalescer;
import io.procpool.internal.ipc.Tasks;
import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calls reach the task group they name (the first for ""), in order; calls that no group can take are
 * answered at once with the reason; a task's first answer is its only one, and it counts only the deaths
 * of workers that ran it alone.
 */
class TaskGroupsTest {

    private final List<Tasks.Result> answers = new ArrayList<>();
    private final Coalescer<Tasks.Result> caller = new Coalescer<>(100, answers::addAll);

    /** A task group whose router keeps what it is given. */
    private static final class Group {
        final List<Request> submitted = new ArrayList<>();
        final TaskIntake intake;

        Group(String name, boolean hasWorker, int maxDeliveries) {
            intake = new TaskIntake(name, new TaskSettings(64, maxDeliveries));
            intake.runsWhen(() -> hasWorker);
            intake.start(new RequestSink() {
                @Override
                public void submit(Request request) {
                    submitted.add(request);
                }

                @Override
                public void submitAll(List<? extends Request> requests) {
                    submitted.addAll(requests);
                }
            });
        }
    }

    private static Tasks.Call call(long id, String group) {
        return new Tasks.Call(id, group, ("t" + id).getBytes(StandardCharsets.UTF_8));
    }

    private TaskGroups groups(Group... groups) {
        TaskGroups all = new TaskGroups();
        for (Group g : groups) {
            all.add(g.intake);
        }
        return all;
    }

    @Test
    void aPoolWithoutTaskGroupsAnswersEveryCallWithWhy() {
        new TaskGroups().submit(List.of(call(1, ""), call(2, "x")), "task:orders-0", caller);
        assertThat(answers)
                .extracting(Tasks.Result::error)
                .containsExactly(
                        "this pool has no task group (a group with source: {type: task})",
                        "this pool has no task group (a group with source: {type: task})");
    }

    @Test
    void callsGoToTheGroupTheyNameInOrderAndTheFirstGroupIsTheDefault() {
        Group first = new Group("tasks", true, 3);
        Group second = new Group("reports", true, 3);
        groups(first, second)
                .submit(
                        List.of(call(1, ""), call(2, "tasks"), call(3, "reports"), call(4, "nosuch"), call(5, "")),
                        "task:orders-0",
                        caller);
        assertThat(first.submitted)
                .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
                .containsExactly("t1", "t2", "t5");
        assertThat(second.submitted).extracting(Request::source).containsExactly("task:orders-0");
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).id()).isEqualTo(4);
        assertThat(answers.get(0).error())
                .isEqualTo("this pool has no task group nosuch (its task groups: tasks, reports)");
    }

    @Test
    void aGroupWithNoReadyWorkerOrThatIsStoppingRefusesAtOnce() {
        Group down = new Group("tasks", false, 3);
        groups(down).submit(List.of(call(1, "")), "c", caller);
        assertThat(answers.get(0).error()).isEqualTo("task group tasks has no READY worker to run this task");
        assertThat(down.intake.stats()).containsEntry("tasks_refused", 1L);

        Group stopping = new Group("tasks", true, 3);
        stopping.intake.stopAccepting();
        groups(stopping).submit(List.of(call(2, "")), "c", caller);
        assertThat(answers.get(1).error()).isEqualTo("task group tasks is stopping and takes no new tasks");
        assertThat(stopping.submitted).isEmpty();
    }

    @Test
    void aTasksFirstAnswerIsItsOnlyOneAndAnAnsweredTaskIsNotRunAgain() {
        Group g = new Group("tasks", true, 3);
        groups(g).submit(List.of(call(1, ""), call(2, "")), "c", caller);
        Task replied = (Task) g.submitted.get(0);
        replied.reply("r".getBytes(StandardCharsets.UTF_8));
        replied.reply("again".getBytes(StandardCharsets.UTF_8));
        replied.done();
        assertThat(replied.workerDied("was killed", true))
                .as("answered: not run again")
                .isFalse();
        Task silent = (Task) g.submitted.get(1);
        assertThat(silent.workerDied("was killed", false)).isTrue();
        assertThat(silent.attempt()).isEqualTo(2);
        silent.done();
        assertThat(answers).hasSize(2);
        assertThat(new String(answers.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("r");
        assertThat(answers.get(1).body()).as("returned without a reply").isEmpty();
        assertThat(g.intake.stats()).containsEntry("tasks_answered", 2L).containsEntry("tasks_redealt", 1L);
    }

    @Test
    void onlyDeathsOfWorkersThatRanItAloneCountTowardsMaxDeliveries() {
        Group g = new Group("tasks", true, 2);
        groups(g).submit(List.of(call(1, "")), "c", caller);
        Task task = (Task) g.submitted.get(0);
        assertThat(task.workerDied("exit code 42", false))
                .as("held with others: a suspect")
                .isTrue();
        assertThat(task.workerDied("exit code 42", true)).as("alone: 1 of 2").isTrue();
        assertThat(task.workerDied("exit code 42", true)).as("alone: 2 of 2").isFalse();
        assertThat(task.attempt()).isEqualTo(3);
        assertThat(answers)
                .extracting(Tasks.Result::error)
                .containsExactly("its task worker died while running only this task, 2 times (max_deliveries 2); "
                        + "the last time: exit code 42");
        assertThat(g.intake.stats()).containsEntry("tasks_failed", 1L).containsEntry("tasks_redealt", 2L);
    }
}
