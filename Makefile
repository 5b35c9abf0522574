# How `sam build` builds the functions of template.yaml. SAM's Maven builder cannot build a module
# whose parent and sibling modules are not installed, so every function says
#   Metadata: {BuildMethod: makefile, ContextPath: ., ProjectRootDirectory: .}
# and SAM runs `make build-<LogicalId>` here (in a copy of the repository, or in place with
# --build-in-source) with ARTIFACTS_DIR set. Each target packages the function's Maven module with
# the modules it depends on (tests skipped) and unzips target/<artifactId>-lambda.zip - classes at
# the root, runtime jars under lib/ - into ARTIFACTS_DIR, which is what Lambda runs from /var/task.
#
# By hand: make build-GitHubWebhookFunction ARTIFACTS_DIR=/tmp/webhook

MVNW ?= ./mvnw
MAVEN_FLAGS ?= -B -q

CI_FUNCTIONS := GitHubWebhookFunction BuildRunnerFunction BuildPagesFunction
POSTS_FUNCTIONS := PostsIntakeFunction PostsFanOutFunction PostsIndexFunction PostsSpamFunction \
	PostsAnalyticsFunction PostsSearchFunction PostsModerationFunction PostsAnalyticsApiFunction
VIDEO_FUNCTIONS := VideoTranscoderFunction VideoSegmentFunction VideoAssemblerFunction VideoFailureRecorderFunction

CI_ZIP := functions/ci/target/offstage-functions-ci-lambda.zip
POSTS_ZIP := functions/posts/target/offstage-functions-posts-lambda.zip
VIDEO_ZIP := functions/video/target/offstage-functions-video-lambda.zip

# What a module's zip is made of: its own and the toolkit's sources and poms. A zip newer than all
# of them is reused, so a module is packaged once however many of its functions SAM asks for.
sources = $(shell find $(1)/src/main $(1)/pom.xml shared/src/main shared/pom.xml pom.xml -type f)

.PHONY: $(addprefix build-,$(CI_FUNCTIONS) $(POSTS_FUNCTIONS) $(VIDEO_FUNCTIONS)) check-artifacts-dir

$(CI_ZIP): $(call sources,functions/ci)
	$(MVNW) $(MAVEN_FLAGS) -pl functions/ci -am -DskipTests package
$(POSTS_ZIP): $(call sources,functions/posts)
	$(MVNW) $(MAVEN_FLAGS) -pl functions/posts -am -DskipTests package
$(VIDEO_ZIP): $(call sources,functions/video)
	$(MVNW) $(MAVEN_FLAGS) -pl functions/video -am -DskipTests package

check-artifacts-dir:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: sam build sets it; by hand, add ARTIFACTS_DIR=/some/folder" >&2; exit 2; }

$(addprefix build-,$(CI_FUNCTIONS)): check-artifacts-dir $(CI_ZIP)
	mkdir -p "$(ARTIFACTS_DIR)" && unzip -q -o $(CI_ZIP) -d "$(ARTIFACTS_DIR)"
$(addprefix build-,$(POSTS_FUNCTIONS)): check-artifacts-dir $(POSTS_ZIP)
	mkdir -p "$(ARTIFACTS_DIR)" && unzip -q -o $(POSTS_ZIP) -d "$(ARTIFACTS_DIR)"
$(addprefix build-,$(VIDEO_FUNCTIONS)): check-artifacts-dir $(VIDEO_ZIP)
	mkdir -p "$(ARTIFACTS_DIR)" && unzip -q -o $(VIDEO_ZIP) -d "$(ARTIFACTS_DIR)"
