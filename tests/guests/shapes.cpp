// shapes: C++ with std::string, std::vector, std::map, a class hierarchy with virtual
// methods, a template, a namespace and operator overloading: mangled names for
// backtraces (e.g. geometry::Polygon::area() const) and std:: types for value rendering.
//   shapes          builds shapes, prints a report, self-checks, exits 0 (1 if wrong)
//   shapes trap     a virtual call chain ends in __builtin_trap() inside
//                   geometry::Square::validate(int) const -> wasm trap "unreachable"
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace geometry {

struct Vec2 {
    double x, y;
    Vec2 operator+(const Vec2 &o) const { return {x + o.x, y + o.y}; }
    Vec2 operator*(double k) const { return {x * k, y * k}; }
};

class Shape {
public:
    explicit Shape(std::string name) : name_(std::move(name)) {}
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual double perimeter() const = 0;
    virtual std::string describe() const {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s: area=%.3f perimeter=%.3f", name_.c_str(), area(), perimeter());
        return buf;
    }
    // Called by the "trap" mode; subclasses may refuse a scale factor.
    virtual double scaled_area(int factor) const { return area() * factor * factor; }
    const std::string &name() const { return name_; }

private:
    std::string name_;
};

class Circle : public Shape {
public:
    Circle(Vec2 c, double r) : Shape("circle"), center_(c), radius_(r) {}
    double area() const override { return 3.141592653589793 * radius_ * radius_; }
    double perimeter() const override { return 2 * 3.141592653589793 * radius_; }
    std::string describe() const override {
        char buf[48];
        std::snprintf(buf, sizeof buf, " centered at (%g, %g)", center_.x, center_.y);
        return Shape::describe() + buf;
    }

private:
    Vec2 center_;
    double radius_;
};

class Polygon : public Shape {
public:
    Polygon(std::string name, std::vector<Vec2> pts) : Shape(std::move(name)), points_(std::move(pts)) {}
    double area() const override { // shoelace formula
        double a = 0;
        for (size_t i = 0; i < points_.size(); i++) {
            const Vec2 &p = points_[i], &q = points_[(i + 1) % points_.size()];
            a += p.x * q.y - q.x * p.y;
        }
        return a < 0 ? -a / 2 : a / 2;
    }
    double perimeter() const override;
    size_t vertex_count() const { return points_.size(); }

protected:
    std::vector<Vec2> points_;
};

double Polygon::perimeter() const {
    double p = 0;
    for (size_t i = 0; i < points_.size(); i++) {
        Vec2 d = points_[(i + 1) % points_.size()] + points_[i] * -1.0;
        double len2 = d.x * d.x + d.y * d.y, len = len2; // Newton's sqrt, no libm needed
        if (len2 > 0)
            for (int k = 0; k < 40; k++) len = 0.5 * (len + len2 / len);
        p += len;
    }
    return p;
}

class Square : public Polygon {
public:
    Square(Vec2 origin, double side)
        : Polygon("square", {origin, origin + Vec2{side, 0}, origin + Vec2{side, side}, origin + Vec2{0, side}}) {}
    double scaled_area(int factor) const override {
        validate(factor);
        return Polygon::scaled_area(factor);
    }

private:
    __attribute__((noinline)) void validate(int factor) const {
        if (factor > 100) {
            std::printf("Square::validate: factor %d too large\n", factor);
            std::fflush(stdout);
            __builtin_trap();
        }
    }
};

} // namespace geometry

template <typename T, typename F>
static T sum_by(const std::vector<std::unique_ptr<geometry::Shape>> &shapes, F f) {
    T total{};
    for (const auto &s : shapes) total += f(*s);
    return total;
}

int main(int argc, char **argv) {
    using namespace geometry;
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Circle>(Vec2{0, 0}, 2.0));
    shapes.push_back(std::make_unique<Square>(Vec2{1, 1}, 3.0));
    shapes.push_back(std::make_unique<Polygon>("triangle", std::vector<Vec2>{{0, 0}, {4, 0}, {0, 3}}));

    if (argc > 1 && std::strcmp(argv[1], "trap") == 0) {
        std::printf("scaling shapes\n");
        for (const auto &s : shapes) std::printf("%s x1000 = %.1f\n", s->name().c_str(), s->scaled_area(1000));
        return 1; // not reached: the square traps
    }

    for (const auto &s : shapes) std::printf("%s\n", s->describe().c_str());

    std::map<std::string, int> counts;
    std::string names;
    for (const auto &s : shapes) {
        counts[s->name()]++;
        if (!names.empty()) names += ", ";
        names += s->name();
    }
    std::string upper = names;
    for (char &c : upper) c = (c >= 'a' && c <= 'z') ? char(c - 32) : c;
    std::printf("names: %s (%zu chars)\nupper: %s\n", names.c_str(), names.size(), upper.c_str());
    for (const auto &kv : counts) std::printf("count[%s] = %d\n", kv.first.c_str(), kv.second);

    double area = sum_by<double>(shapes, [](const Shape &s) { return s.area(); });
    double perim = sum_by<double>(shapes, [](const Shape &s) { return s.perimeter(); });
    std::printf("total area=%.4f perimeter=%.4f\n", area, perim);

    std::vector<int> squares;
    for (int i = 0; i < 1000; i++) squares.push_back(i * i);
    long long sq_sum = 0;
    for (int v : squares) sq_sum += v;
    std::printf("vector: size=%zu sum=%lld\n", squares.size(), sq_sum);

    bool ok = area > 27.5663 && area < 27.5665 && perim > 36.5663 && perim < 36.5665 && sq_sum == 332833500LL &&
              counts.size() == 3;
    std::printf("%s\n", ok ? "PASSED" : "FAILED");
    return ok ? 0 : 1;
}
